"""`aviary promote` and friends end to end: the operator acts on a request id exactly once, clears the
request annotations once its status records the id, and a restarted operator that finds a handled
request still annotated (it died between the two writes) clears it without acting again."""
import time

from harness import Operator, apply, get, kubectl, release_status, wait_for, wait_phase
from test_canary import http_route, release, request, route_weights

STEPS = [{"setWeight": 20}, {"pause": {}}, {"setWeight": 60}, {"pause": {}}, {"setWeight": 100}]


def annotations(namespace, name):
    return get("modelrelease", name, namespace)["metadata"].get("annotations", {})


def skipped_steps(namespace):
    return len(kubectl("get", "events", "-n", namespace, "--field-selector", "reason=StepSkipped",
                       "-o", "name").stdout.split())


def test_promote_is_acted_on_exactly_once_across_a_restart(namespace, operator):
    apply(http_route("once", ["once-stable"]), namespace)
    routing = {"gatewayAPI": {"httpRoute": "once"}}
    apply(release("once", 1, STEPS, routing), namespace)
    wait_phase("once", namespace, "Promoted")
    apply(release("once", 2, STEPS, routing), namespace)
    wait_phase("once", namespace, "Paused")

    request(namespace, "once", "promote", "p1")
    wait_for("p1 handled: paused at 60%", lambda: (lambda s: s.get("lastHandledRequest") == "p1" and s["phase"] == "Paused"
                                                 and s["canaryWeight"] == 60)(release_status("once", namespace)))
    wait_for("request annotations cleared", lambda: "aviary.dev/request-id" not in annotations(namespace, "once"), timeout=5)
    assert "aviary.dev/request" not in annotations(namespace, "once")

    operator.kill()
    request(namespace, "once", "promote", "p1")  # what a crash between the status write and the clear leaves
    restarted = Operator(namespace=namespace)
    try:
        wait_for("the restarted operator clears the handled request",
                 lambda: "aviary.dev/request-id" not in annotations(namespace, "once"), timeout=10)
        time.sleep(2)
        status = release_status("once", namespace)
        assert status["phase"] == "Paused" and status["canaryWeight"] == 60, status
        assert route_weights(namespace, "once") == {"once-stable": 40, "once-canary": 60}
        assert skipped_steps(namespace) == 1

        request(namespace, "once", "promote", "p2")  # a new id is acted on
        assert wait_phase("once", namespace, "Promoted")["stableVersion"] == "2"
        assert skipped_steps(namespace) == 2
    finally:
        restarted.stop()
