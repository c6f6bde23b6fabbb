"""Blue-green and Istio end to end, and an operator killed mid-rollout resuming from status alone."""
from harness import Operator, apply, get, kubectl, release_status, wait_for, wait_phase
from test_canary import TEMPLATE, http_route, release, request, route_weights


def blue_green(name, version):
    return {"apiVersion": "aviary.dev/v1alpha1", "kind": "ModelRelease", "metadata": {"name": name},
            "spec": {"model": {"name": name, "version": str(version)}, "replicas": 2, "template": TEMPLATE,
                     "service": {"port": 8080},
                     "strategy": {"blueGreen": {"autoPromote": False, "previewReplicas": 1, "scaleDownDelay": "1s"}}}}


def selected_version(namespace, service):
    svc = get("service", service, namespace)
    return (svc or {}).get("spec", {}).get("selector", {}).get("aviary.dev/model-version")


def test_blue_green_waits_for_promote_and_switches_the_services(namespace, operator):
    apply(blue_green("bg", 1), namespace)
    wait_phase("bg", namespace, "Promoted")
    apply(blue_green("bg", 2), namespace)
    status = wait_phase("bg", namespace, ["Paused", "AwaitingApproval"])
    assert status["canaryVersion"] == "2"
    wait_for("preview Service selects version 2", lambda: selected_version(namespace, "bg-canary") == "2")
    assert selected_version(namespace, "bg-stable") == "1", "active stays on version 1 until promoted"
    preview = get("deployment", "bg-2", namespace)
    assert preview["spec"]["replicas"] == 1
    request(namespace, "bg", "promote", "go")
    status = wait_phase("bg", namespace, "Promoted")
    assert status["stableVersion"] == "2"
    wait_for("active Service switched to version 2", lambda: selected_version(namespace, "bg-stable") == "2")


def virtual_service(name):
    return {"apiVersion": "networking.istio.io/v1", "kind": "VirtualService", "metadata": {"name": name},
            "spec": {"hosts": [name], "http": [{"name": "primary", "route": [{"destination": {"host": f"{name}-stable"}}]}]}}


def istio_weights(namespace, name):
    vs = get("virtualservice", name, namespace)
    return {d["destination"]["host"]: d.get("weight") for d in vs["spec"]["http"][0]["route"]}


def test_istio_virtual_service_weights_move(namespace, operator):
    apply(virtual_service("recs"), namespace)
    steps = [{"setWeight": 30}, {"pause": {}}, {"setWeight": 100}]
    routing = {"istio": {"virtualService": "recs"}}
    apply(release("recs", 1, steps, routing), namespace)
    wait_phase("recs", namespace, "Promoted")
    apply(release("recs", 2, steps, routing), namespace)
    wait_phase("recs", namespace, "Paused")
    wait_for("70/30 in the VirtualService", lambda: istio_weights(namespace, "recs") == {"recs-stable": 70, "recs-canary": 30})
    request(namespace, "recs", "promote-full", "full")
    wait_phase("recs", namespace, "Promoted")
    wait_for("all on stable", lambda: istio_weights(namespace, "recs").get("recs-stable") == 100)


def test_killed_operator_resumes_at_the_same_step_without_repeating_writes(namespace):
    op = Operator(namespace=namespace)
    try:
        apply(http_route("ads", ["ads-stable"]), namespace)
        steps = [{"setWeight": 20}, {"pause": {"duration": "8s"}}, {"setWeight": 60}, {"pause": {}}]
        routing = {"gatewayAPI": {"httpRoute": "ads"}}
        apply(release("ads", 1, steps, routing), namespace)
        wait_phase("ads", namespace, "Promoted")
        apply(release("ads", 2, steps, routing), namespace)
        wait_for("20% on the canary", lambda: route_weights(namespace, "ads").get("ads-canary") == 20)
        generation = get("httproute", "ads", namespace)["metadata"]["generation"]
        assert release_status("ads", namespace)["currentStepIndex"] == 1
        op.kill()
    finally:
        op.stop()
    op = Operator(namespace=namespace)
    try:
        status = wait_for("the indefinite pause at step 3",
                          lambda: (lambda s: s if s.get("currentStepIndex") == 3 else None)(release_status("ads", namespace)),
                          timeout=60)
        assert status["phase"] == "Paused" and status["canaryWeight"] == 60, status
        assert route_weights(namespace, "ads") == {"ads-stable": 40, "ads-canary": 60}
        assert get("httproute", "ads", namespace)["metadata"]["generation"] == generation + 1, \
            "exactly one route write after the restart (20% → 60%)"
    finally:
        op.stop()
