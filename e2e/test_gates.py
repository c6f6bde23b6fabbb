"""Metric gates end to end: the traffic simulator serves the versions' traffic by the route's weights,
the real Prometheus scrapes it, the operator judges and rolls back."""
import os

from harness import apply, get, release_status, set_behaviour, wait_for, wait_outcome, wait_phase
from test_canary import http_route, release, route_weights

SELECT = 'namespace="{{namespace}}",release="{{release}}",version="{{version}}"'


def error_rate_gate():
    return {
        "name": "error-rate",
        "prometheus": {
            "address": os.environ.get("AVIARY_PROMETHEUS_URL", "http://127.0.0.1:9090"),
            "query": f'(sum(rate(model_requests_total{{{SELECT},code=~"5.."}}[15s])) or vector(0))'
                     f' / sum(rate(model_requests_total{{{SELECT}}}[15s]))',
        },
        "threshold": {"max": 0.05},
        "initialDelay": "6s",
        "count": 2,
        "inconclusiveLimit": 10,  # the first measurements may find no traffic yet
    }


def gated_release(name, version):
    steps = [{"setWeight": 50}, {"analysis": {"gates": ["error-rate"]}}, {"setWeight": 100}]
    return release(name, version, steps, {"gatewayAPI": {"httpRoute": name}},
                   analysis={"interval": "3s", "gates": [error_rate_gate()]})


def test_bad_version_rolls_back_with_its_measured_error_rate(namespace, operator):
    apply(http_route("fraud", ["fraud-stable"]), namespace)
    apply(gated_release("fraud", 1), namespace)
    wait_phase("fraud", namespace, "Promoted")
    set_behaviour(namespace, "fraud", "2", errorRate=0.3)
    apply(gated_release("fraud", 2), namespace)
    status = wait_phase("fraud", namespace, "RolledBack", timeout=120)
    assert status["stableVersion"] == "1"
    gate = next((g for g in status.get("gates", []) if g["name"] == "error-rate"), None)
    assert gate, status
    assert gate["verdict"] == "Fail"
    measured = gate["measurements"][-1]["value"]
    assert 0.15 < measured < 0.45, gate
    assert route_weights(namespace, "fraud") == {"fraud-stable": 100, "fraud-canary": 0}


def test_healthy_version_promotes_through_the_same_gate(namespace, operator):
    apply(http_route("churn", ["churn-stable"]), namespace)
    apply(gated_release("churn", 1), namespace)
    wait_phase("churn", namespace, "Promoted")
    apply(gated_release("churn", 2), namespace)
    status = wait_outcome("churn", namespace, 2, timeout=120)
    assert status["phase"] == "Promoted", status
    assert status["stableVersion"] == "2"
    gate = next(g for g in status["gates"] if g["name"] == "error-rate")
    assert gate["verdict"] == "Pass" and gate["successes"] >= 2, gate
