"""Canary rollouts end to end: the real API server, kwok nodes, the operator as a process."""
import json
import time

from harness import apply, get, kubectl, list_objects, release_status, wait_for, wait_phase

TEMPLATE = {"metadata": {"labels": {"app": "scorer"}},
            "spec": {"containers": [{"name": "server", "image": "registry.example/model-server:1.0",
                                     "ports": [{"containerPort": 8080}]}]}}


def release(name, version, steps, routing=None, replicas=4, scale_down="1s", **spec):
    canary = {"steps": steps, "scaleDownDelay": scale_down}
    if routing:
        canary["trafficRouting"] = routing
    body = {"model": {"name": name, "version": str(version)}, "replicas": replicas, "template": TEMPLATE,
            "service": {"port": 8080}, "strategy": {"canary": canary}}
    body.update(spec)
    return {"apiVersion": "aviary.dev/v1alpha1", "kind": "ModelRelease", "metadata": {"name": name}, "spec": body}


def deployments(namespace, name):
    return {d["metadata"]["labels"]["aviary.dev/model-version"]: d
            for d in list_objects("deployments", namespace, f"aviary.dev/release={name}")}


def request(namespace, name, what, rid):
    kubectl("annotate", "--overwrite", "-n", namespace, f"modelrelease/{name}",
            f"aviary.dev/request={what}", f"aviary.dev/request-id={rid}")


def test_first_release_goes_straight_to_stable(namespace, operator):
    apply(release("scorer", 1, [{"setWeight": 50}, {"setWeight": 100}]), namespace)
    status = wait_phase("scorer", namespace, "Promoted")
    assert status["stableVersion"] == "1"
    deps = wait_for("deployment scorer-1", lambda: deployments(namespace, "scorer"))
    assert set(deps) == {"1"}
    d = deps["1"]
    assert d["spec"]["replicas"] == 4
    env = {e["name"]: e.get("value") for e in d["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["MODEL_NAME"] == "scorer" and env["MODEL_VERSION"] == "1"
    assert d["metadata"]["ownerReferences"][0]["kind"] == "ModelRelease"
    for svc in ("scorer", "scorer-stable", "scorer-canary"):
        assert get("service", svc, namespace), svc
    kubectl("wait", "-n", namespace, "--for=condition=Ready", "modelrelease/scorer", "--timeout=30s")


def test_replica_ratio_canary_scales_and_promotes(namespace, operator):
    steps = [{"setWeight": 25}, {"pause": {}}, {"setWeight": 100}]
    apply(release("ranker", 1, steps), namespace)
    wait_phase("ranker", namespace, "Promoted")
    apply(release("ranker", 2, steps), namespace)
    status = wait_phase("ranker", namespace, "Paused")
    assert status["canaryVersion"] == "2" and status["canaryWeight"] == 25
    deps = wait_for("canary scaled to 1 of 4", lambda: (lambda d: d if d.get("2", {}).get("spec", {}).get("replicas") == 1
                                                       and d.get("1", {}).get("spec", {}).get("replicas") == 3 else None)(
        deployments(namespace, "ranker")))
    assert deps["2"]["spec"]["replicas"] == 1
    request(namespace, "ranker", "promote", "p1")
    status = wait_phase("ranker", namespace, "Promoted")
    assert status["stableVersion"] == "2"
    wait_for("old version removed after scaleDownDelay", lambda: set(deployments(namespace, "ranker")) == {"2"}, timeout=60)


def test_replica_ratio_abort_restores_the_stable_and_removes_the_canary(namespace, operator):
    """The rollback's Deployment and Services writes go out at once (docs/planner.md): all of them land."""
    steps = [{"setWeight": 25}, {"pause": {}}, {"setWeight": 100}]
    apply(release("sorter", 1, steps), namespace)
    wait_phase("sorter", namespace, "Promoted")
    apply(release("sorter", 2, steps), namespace)
    wait_phase("sorter", namespace, "Paused")
    wait_for("canary scaled to 1 of 4", lambda: deployments(namespace, "sorter").get("2", {}).get("spec", {}).get("replicas") == 1)
    request(namespace, "sorter", "abort", "a1")
    status = wait_phase("sorter", namespace, "RolledBack")
    assert status["stableVersion"] == "1" and status["rolledBackVersion"] == "2"
    wait_for("canary deleted", lambda: set(deployments(namespace, "sorter")) == {"1"})
    assert deployments(namespace, "sorter")["1"]["spec"]["replicas"] == 4
    selector = get("service", "sorter-canary", namespace)["spec"]["selector"]
    assert selector["aviary.dev/model-version"] == "1", selector


def http_route(name, backends):
    return {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": {"name": name},
            "spec": {"parentRefs": [{"name": "gateway"}],
                     "rules": [{"backendRefs": [{"name": b, "port": 8080} for b in backends]}]}}


def route_weights(namespace, name):
    route = get("httproute", name, namespace)
    return {b["name"]: b.get("weight", 1) for b in route["spec"]["rules"][0]["backendRefs"]}


def test_gateway_api_route_walks_the_weights(namespace, operator):
    apply(http_route("fraud", ["fraud-stable"]), namespace)
    steps = [{"setWeight": 10}, {"pause": {}}, {"setWeight": 50}, {"pause": {}}, {"setWeight": 100}]
    routing = {"gatewayAPI": {"httpRoute": "fraud"}}
    apply(release("fraud", 1, steps, routing), namespace)
    wait_phase("fraud", namespace, "Promoted")
    apply(release("fraud", 2, steps, routing), namespace)
    wait_phase("fraud", namespace, "Paused")
    assert wait_for("10% on the canary", lambda: route_weights(namespace, "fraud") == {"fraud-stable": 90, "fraud-canary": 10})
    request(namespace, "fraud", "promote", "p1")
    wait_for("50% on the canary", lambda: route_weights(namespace, "fraud") == {"fraud-stable": 50, "fraud-canary": 50})
    request(namespace, "fraud", "promote", "p2")
    status = wait_phase("fraud", namespace, "Promoted")
    assert status["stableVersion"] == "2"
    assert wait_for("all traffic on the new stable", lambda: route_weights(namespace, "fraud").get("fraud-canary", 0) == 0
                    and route_weights(namespace, "fraud")["fraud-stable"] == 100)


def paused_routed_canary(namespace, name, weight):
    """Version 1 promoted, version 2 paused indefinitely at `weight`% through an HTTPRoute named `name`."""
    apply(http_route(name, [f"{name}-stable"]), namespace)
    steps = [{"setWeight": weight}, {"pause": {}}, {"setWeight": 100}]
    routing = {"gatewayAPI": {"httpRoute": name}}
    apply(release(name, 1, steps, routing), namespace)
    wait_phase(name, namespace, "Promoted")
    apply(release(name, 2, steps, routing), namespace)
    wait_phase(name, namespace, "Paused")
    split = {f"{name}-stable": 100 - weight, f"{name}-canary": weight}
    wait_for(f"{weight}% on the canary", lambda: route_weights(namespace, name) == split)
    return split


def test_hand_edited_route_weights_are_put_back_during_a_pause(namespace, operator):
    split = paused_routed_canary(namespace, "drift", 30)  # an indefinite pause: no timed pass is coming
    time.sleep(5)  # the passes that follow the pause's start (status, Deployment status) are over
    route = get("httproute", "drift", namespace)
    for backend in route["spec"]["rules"][0]["backendRefs"]:
        backend["weight"] = 100 if backend["name"] == "drift-stable" else 0
    kubectl("replace", "-f", "-", "-n", namespace, input=json.dumps(route))
    # The route's watch event reconciles the release; its next timed pass would be never.
    wait_for("the operator's 30% back on the route", lambda: route_weights(namespace, "drift") == split, timeout=5)


def test_abort_rolls_back_in_one_route_write(namespace, operator):
    paused_routed_canary(namespace, "churn", 40)
    request(namespace, "churn", "abort", "a1")
    status = wait_phase("churn", namespace, "RolledBack")
    assert status["stableVersion"] == "1"
    assert route_weights(namespace, "churn") == {"churn-stable": 100, "churn-canary": 0}
    degraded = [c for c in status["conditions"] if c["type"] == "Degraded"]
    assert degraded and degraded[0]["status"] == "True"


def test_missing_route_is_degraded_with_a_message(namespace, operator):
    routing = {"gatewayAPI": {"httpRoute": "nowhere"}}
    apply(release("lost", 1, [{"setWeight": 100}], routing), namespace)

    def degraded():
        conds = {c["type"]: c for c in release_status("lost", namespace).get("conditions", [])}
        d = conds.get("Degraded")
        return d if d and d["status"] == "True" else None
    cond = wait_for("Degraded condition", degraded)
    assert "nowhere" in cond["message"], cond


def test_deleting_the_release_removes_what_it_owned(namespace, operator):
    apply(release("gone", 1, [{"setWeight": 100}]), namespace)
    wait_phase("gone", namespace, "Promoted")
    wait_for("deployment", lambda: deployments(namespace, "gone"))
    kubectl("delete", "-n", namespace, "modelrelease/gone")
    wait_for("owned objects garbage-collected",
             lambda: not deployments(namespace, "gone") and not get("service", "gone-stable", namespace), timeout=60)
