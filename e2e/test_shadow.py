"""Shadow releases and header routes end to end, through the Gateway API and Istio routers and the
traffic simulator: a drifted model is rolled back from its shadow stage without a single user-served
request; a healthy one goes shadow → header route (only header-carrying requests reach it) → weights →
Promoted; after a rollback no mirror or header rule is left on the route."""
import json
import os
import time
import urllib.parse
import urllib.request

import pytest

from harness import apply, get, release_status, wait_for, wait_outcome, wait_phase
from test_canary import http_route, release

PROMETHEUS = os.environ.get("AVIARY_PROMETHEUS_URL", "http://127.0.0.1:9090")
SELECT = 'namespace="{{namespace}}",release="{{release}}",version="{{version}}"'

DRIFT = {
    "name": "prediction-drift",
    # The shadow's scores are all mirrored copies, the stable's all served: the same requests.
    "prometheus": {"address": PROMETHEUS,
                   "query": f"sum by (le) (increase(model_prediction_score_bucket{{{SELECT}}}[15s]))"},
    "compare": {"test": "psi", "maxPsi": 0.2},
    "initialDelay": "12s",
    "interval": "3s",
    "count": 2,
    "inconclusiveLimit": 6,
}
AGREEMENT = {
    "name": "agreement",
    "prometheus": {"address": PROMETHEUS,
                   "query": f"sum(increase(model_shadow_agreement_total{{{SELECT}}}[15s]))",
                   "totalQuery": f"sum(increase(model_shadow_compared_total{{{SELECT}}}[15s]))"},
    "threshold": {"min": 0.9},
    "initialDelay": "12s",
    "interval": "3s",
    "count": 2,
}
STEPS = [{"setMirror": {"percent": 100}},
         {"analysis": {"gates": ["prediction-drift", "agreement"]}},
         {"setMirror": {"percent": 0}},
         {"setHeaderRoute": {"name": "testers", "match": [{"header": "x-cohort", "exact": "testers"}]}},
         {"pause": {}},
         {"setWeight": 20},
         {"pause": {"duration": "2s"}},
         {"setWeight": 100}]


def shadow_release(name, version, routing):
    return release(name, version, STEPS, routing, analysis={"interval": "3s", "gates": [DRIFT, AGREEMENT]})


def virtual_service(name):
    return {"apiVersion": "networking.istio.io/v1", "kind": "VirtualService", "metadata": {"name": name},
            "spec": {"hosts": [name], "http": [{"name": "primary", "route": [{"destination": {"host": f"{name}-stable"}}]}]}}


ROUTERS = {
    "gatewayAPI": (lambda name: http_route(name, [f"{name}-stable"]), lambda name: {"gatewayAPI": {"httpRoute": name}}),
    "istio": (virtual_service, lambda name: {"istio": {"virtualService": name}}),
}


def simulator(path, body=None, method="GET"):
    url = os.environ["AVIARY_SIMULATOR_URL"].rstrip("/") + path
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=5) as r:
        return json.loads(r.read().decode() or "null")


def series(query):
    """The instant vector Prometheus answers query with: [(labels, value)]."""
    url = PROMETHEUS + "/api/v1/query?" + urllib.parse.urlencode({"query": query})
    with urllib.request.urlopen(url, timeout=5) as r:
        result = json.loads(r.read().decode())["data"]["result"]
    return [(s["metric"], float(s["value"][1])) for s in result]


def prometheus(query):
    return sum(value for _, value in series(query))


def requests_of(namespace, name, version, mirrored):
    return prometheus(f'sum(model_requests_total{{namespace="{namespace}",release="{name}",version="{version}",'
                      f'mirrored="{mirrored}"}})')


def served_by_version(namespace, name):
    """Requests each version served to users, from one query: both counts are of the same scrapes."""
    query = f'sum by (version) (model_requests_total{{namespace="{namespace}",release="{name}",mirrored="false"}})'
    return {labels["version"]: value for labels, value in series(query)}


def route_object(namespace, kind, name):
    return get("httproute" if kind == "gatewayAPI" else "virtualservice.networking.istio.io", name, namespace)


def canary_rules_left(route, kind):
    """The mirror filters and header rules aviary wrote, still on the route."""
    if kind == "gatewayAPI":
        rules = route["spec"]["rules"]
        mirrors = [f for r in rules for f in r.get("filters", []) if f["type"] == "RequestMirror"]
        headers = [r for r in rules if any(m.get("headers") for m in r.get("matches", []))]
        return mirrors + headers
    http = route["spec"]["http"]
    return [h for h in http if "mirror" in h or h.get("name", "").startswith("aviary-")]


def start(namespace, name, kind, tagged_share):
    make_route, routing = ROUTERS[kind]
    apply(make_route(name), namespace)
    apply(shadow_release(name, 1, routing(name)), namespace)
    wait_phase(name, namespace, "Promoted")
    simulator("/behaviour", {"namespace": namespace, "release": name, "headerShare": tagged_share,
                             "header": {"name": "x-cohort", "value": "testers"}}, "PUT")


@pytest.mark.parametrize("kind", ["gatewayAPI", "istio"])
def test_drifted_shadow_rolls_back_without_serving_a_user(namespace, operator, kind):
    name = "drifted"
    start(namespace, name, kind, 0)
    simulator("/behaviour", {"namespace": namespace, "release": name, "version": "2", "predictionShift": 0.35}, "PUT")
    apply(shadow_release(name, 2, ROUTERS[kind][1](name)), namespace)
    shadowed = wait_for("the shadow stage", lambda: (lambda s: s if s.get("mirrorPercent") == 100 else None)(
        release_status(name, namespace)))
    assert "shadow" in shadowed["message"], shadowed
    status = wait_outcome(name, namespace, 2, timeout=120)
    assert status["phase"] == "RolledBack", status
    assert status.get("mirrorPercent", 0) == 0 and not status.get("headerRoutes"), status
    verdicts = {g["name"]: g["verdict"] for g in status["gates"]}
    assert "Fail" in verdicts.values(), status["gates"]
    time.sleep(2)  # the last scrapes
    assert requests_of(namespace, name, "2", "true") > 0, "the shadow received mirrored copies"
    assert requests_of(namespace, name, "2", "false") == 0, "no user was served by the shadow"
    wait_for("no mirror or header rule left", lambda: not canary_rules_left(route_object(namespace, kind, name), kind))


@pytest.mark.parametrize("kind", ["gatewayAPI", "istio"])
def test_healthy_shadow_goes_header_route_then_weights(namespace, operator, kind):
    name = "healthy"
    start(namespace, name, kind, 0.25)
    apply(shadow_release(name, 2, ROUTERS[kind][1](name)), namespace)
    paused = wait_phase(name, namespace, "Paused", timeout=120)  # the pause after the header route
    assert paused["canaryWeight"] == 0 and paused.get("mirrorPercent", 0) == 0, paused
    assert [r["name"] for r in paused["headerRoutes"]] == ["testers"], paused
    agreement = next(g for g in paused["gates"] if g["name"] == "agreement")
    assert agreement["verdict"] == "Pass" and agreement["measurements"][-1]["value"] >= 0.9, agreement
    # Weight 0: every request version 2 serves came by the header route, a quarter of the traffic.
    served = wait_for("tagged requests served by the canary", lambda: requests_of(namespace, name, "2", "false") >= 20)
    before = served_by_version(namespace, name)
    time.sleep(8)
    after = served_by_version(namespace, name)
    served, stable = (after.get(v, 0) - before.get(v, 0) for v in ("2", "1"))
    # A quarter tagged; ~300 requests in 8 s put the bounds more than 4 standard deviations away.
    assert 0.15 < served / (served + stable) < 0.35, (served, stable)
    # Without the header, none: the rest of the traffic is the stable's.
    simulator("/behaviour", {"namespace": namespace, "release": name, "headerShare": 0}, "PUT")
    time.sleep(3)
    quiet = requests_of(namespace, name, "2", "false")
    time.sleep(3)
    assert requests_of(namespace, name, "2", "false") == quiet
    from test_canary import request
    request(namespace, name, "promote", "p1")
    status = wait_phase(name, namespace, "Promoted", timeout=60)  # through 20% and its 2 s pause
    assert status["stableVersion"] == "2", status
    assert not status.get("headerRoutes"), status
    wait_for("no mirror or header rule left", lambda: not canary_rules_left(route_object(namespace, kind, name), kind))
