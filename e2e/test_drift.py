"""Drift of what a release owns is put back from the operator's caches within 2 s, during an indefinite
pause (no timed pass is coming) and after promotion: each Service and Deployment deleted, and edited
(selector, image, replicas), and its aviary.dev/release label removed (it leaves the operator's caches;
the operator finds it on the server and labels it again). A release where nothing drifted costs no
write."""
import json
import re
import time

from harness import get, kubectl, wait_for, wait_phase
from test_canary import deployments, paused_routed_canary, request
from test_operator_metrics import samples

RESTORE_TIMEOUT = 2  # seconds: the bound
RELEASE_LABEL = "aviary.dev/release"


def writes(operator):
    requests = samples(operator.metrics(), "aviary_kube_requests_total")
    return sum(v for k, v in requests.items() if re.match(r'verb="(POST|PUT|PATCH|DELETE)"', k))


def restored(what, predicate):
    wait_for(what, predicate, timeout=RESTORE_TIMEOUT, interval=0.05)


def unlabel_and_wait(kind, name, namespace):
    label = get(kind, name, namespace)["metadata"]["labels"][RELEASE_LABEL]
    kubectl("label", kind, name, "-n", namespace, f"{RELEASE_LABEL}-")
    restored(f"{kind} {name} labelled again", lambda: (get(kind, name, namespace) or {"metadata": {}})["metadata"]
             .get("labels", {}).get(RELEASE_LABEL) == label)


def break_services(namespace, name):
    for svc in (name, f"{name}-stable", f"{name}-canary"):
        want = get("service", svc, namespace)["spec"]
        same = lambda: (lambda s: s and s["spec"]["selector"] == want["selector"]  # noqa: E731
                        and s["spec"]["ports"][0]["targetPort"] == want["ports"][0]["targetPort"])(get("service", svc, namespace))
        kubectl("delete", "service", svc, "-n", namespace, "--wait=false")
        restored(f"service {svc} recreated", lambda: (lambda s: s and "deletionTimestamp" not in s["metadata"]
                                                      and same())(get("service", svc, namespace)))
        edit = {"spec": {"selector": {"aviary.dev/model-version": "edited"}, "ports": [{"port": 8080, "targetPort": 9999}]}}
        kubectl("patch", "service", svc, "-n", namespace, "--type=merge", "-p", json.dumps(edit))
        restored(f"service {svc} selector and port put back", same)
        unlabel_and_wait("service", svc, namespace)


def break_deployments(namespace, name, versions):
    for version in versions:
        dep = f"{name}-{version}"
        want = get("deployment", dep, namespace)
        replicas = want["spec"]["replicas"]
        image = want["spec"]["template"]["spec"]["containers"][0]["image"]

        def live():
            return get("deployment", dep, namespace) or {"metadata": {}, "spec": {"replicas": -1, "template": {"spec": {"containers": [{}]}}}}

        kubectl("set", "image", f"deployment/{dep}", "-n", namespace, f"server=registry.example/evil:{version}")
        restored(f"{dep} image put back", lambda: live()["spec"]["template"]["spec"]["containers"][0].get("image") == image)
        kubectl("scale", f"deployment/{dep}", "-n", namespace, "--replicas=7")
        restored(f"{dep} scaled back to {replicas}", lambda: live()["spec"]["replicas"] == replicas)
        unlabel_and_wait("deployment", dep, namespace)
        uid = want["metadata"]["uid"]
        kubectl("delete", "deployment", dep, "-n", namespace, "--wait=false")
        restored(f"{dep} recreated", lambda: live()["metadata"].get("uid") not in (None, uid)
                 and live()["spec"]["replicas"] == replicas)


def no_writes_while_idle(operator):
    """Once the repairs are done, the release is idle again: no write for 3 s."""
    time.sleep(2)
    before = writes(operator)
    time.sleep(3)
    assert writes(operator) == before, "writes while nothing drifted"


def test_owned_objects_are_restored_during_an_indefinite_pause(namespace, operator):
    paused_routed_canary(namespace, "held", 30)
    time.sleep(3)  # the passes that follow the pause's start are over: no timed pass is coming
    break_services(namespace, "held")
    break_deployments(namespace, "held", ["1", "2"])
    no_writes_while_idle(operator)
    status = get("modelrelease", "held", namespace)["status"]
    assert status["phase"] == "Paused" and status["canaryWeight"] == 30, status


def test_owned_objects_are_restored_after_promotion(namespace, operator):
    paused_routed_canary(namespace, "kept", 30)
    request(namespace, "kept", "promote", "p1")
    assert wait_phase("kept", namespace, "Promoted")["stableVersion"] == "2"
    wait_for("old version removed after scaleDownDelay", lambda: set(deployments(namespace, "kept")) == {"2"}, timeout=60)
    time.sleep(3)
    break_services(namespace, "kept")
    break_deployments(namespace, "kept", ["2"])
    no_writes_while_idle(operator)
