"""Process-level faults of the control plane (docs/guarantees.md, issue 18 item 2): kube-apiserver or
etcd SIGSTOPped for longer than the operator's request timeout (30 s) and resumed, or restarted, in
the middle of three rollouts at once:

- fwd: a healthy canary half way through its gate: it must end Promoted;
- bad: a canary serving 30% errors, paused before its gate; a user's promote request moves it into
  the gate just as the fault fires, so its gate fails around the fault: it must end RolledBack, never
  stable (I1);
- back: a paused canary aborted by its user just before the fault fires, so the rollback's writes meet
  the fault: it must end RolledBack with 100% of its route on stable (I2).

The invariant checker (tests/faults/invariants.py) must find nothing, and the operator must still be
running. The faults are fired through hack/cluster.sh pause|resume|restart (tests/faults/control_plane.py)."""
import os
import sys
import time

import pytest

from harness import apply, release_status, set_behaviour, wait_for, wait_phase
from test_canary import http_route, release, request, route_weights
from test_gates import error_rate_gate

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "faults"))
from control_plane import ControlPlane, api_answers  # noqa: E402
from invariants import Watcher, rollback_complete  # noqa: E402

PAUSE_SECONDS = float(os.environ.get("AVIARY_CONTROL_PLANE_PAUSE", "35"))  # past the 30 s request timeout
SETTLE_SECONDS = 240


@pytest.fixture
def control_plane():
    cp = ControlPlane()
    yield cp
    cp.close()
    wait_for("kube-apiserver answers again", api_answers, timeout=120, interval=1)


def gated(name, version, hold=False):
    gate = error_rate_gate()
    gate["count"] = 4  # about 18 s of passing measurements: the fault lands in the middle of them
    steps = [{"setWeight": 50}, {"analysis": {"gates": ["error-rate"]}}, {"setWeight": 100}]
    if hold:
        steps.insert(1, {"pause": {}})
    return release(name, version, steps, {"gatewayAPI": {"httpRoute": name}}, replicas=2,
                   analysis={"interval": "2s", "gates": [gate]})


def paused(name, version):
    steps = [{"setWeight": 50}, {"pause": {}}, {"setWeight": 100}]
    return release(name, version, steps, {"gatewayAPI": {"httpRoute": name}}, replicas=2)


def gate_successes(namespace, name):
    s = release_status(name, namespace)
    gates = [g for g in s.get("gates", []) if str(g.get("stage", "")).startswith(s.get("canaryVersion") or "-")]
    return sum(g.get("successes", 0) for g in gates)


def observe_until_settled(watcher, namespace, want, seconds):
    deadline = time.monotonic() + seconds
    phases = {}
    while time.monotonic() < deadline:
        watcher.observe(namespace)
        phases = {n: release_status(n, namespace).get("phase") for n in want}
        if phases == want:
            return phases
        time.sleep(1)
    return phases


@pytest.mark.parametrize("component,fault", [("apiserver", "pause"), ("etcd", "pause"),
                                             ("apiserver", "restart"), ("etcd", "restart")])
def test_rollouts_and_rollbacks_finish_across_a_control_plane_fault(namespace, operator, control_plane,
                                                                     component, fault):
    for name in ("fwd", "bad", "back"):
        apply(http_route(name, [f"{name}-stable"]), namespace)
    apply(gated("fwd", 1), namespace)
    apply(gated("bad", 1), namespace)
    apply(paused("back", 1), namespace)
    for name in ("fwd", "bad", "back"):
        wait_phase(name, namespace, "Promoted")
    set_behaviour(namespace, "bad", "2", errorRate=0.3)
    apply(gated("fwd", 2), namespace)
    apply(gated("bad", 2, hold=True), namespace)
    apply(paused("back", 2), namespace)
    wait_phase("back", namespace, "Paused")
    wait_phase("bad", namespace, "Paused")
    wait_for("fwd's gate half way", lambda: gate_successes(namespace, "fwd") >= 1, timeout=90)
    assert release_status("fwd", namespace).get("phase") != "Promoted"

    watcher = Watcher()
    watcher.observe(namespace)
    request(namespace, "bad", "promote", "p1")  # past the pause, into the gate
    request(namespace, "back", "abort", "a1")
    began = time.monotonic()
    if fault == "pause":
        control_plane.pause(component)
        answered = api_answers(timeout=3)
        time.sleep(max(0.0, PAUSE_SECONDS - (time.monotonic() - began)))
        control_plane.resume(component)
        assert not answered, f"kube-apiserver answered while {component} was stopped"
    else:
        control_plane.restart(component)
    print(f"\n{component} {fault}: {time.monotonic() - began:.1f}s")

    want = {"fwd": "Promoted", "bad": "RolledBack", "back": "RolledBack"}
    phases = observe_until_settled(watcher, namespace, want, SETTLE_SECONDS)
    print(f"settled {time.monotonic() - began:.1f}s after the fault began: {phases}")
    assert phases == want, (phases, operator.tail(30))
    assert release_status("fwd", namespace)["stableVersion"] == "2"
    assert release_status("bad", namespace)["stableVersion"] == "1"
    assert release_status("back", namespace)["stableVersion"] == "1"
    assert wait_for("fwd's route all on its new stable",
                    lambda: route_weights(namespace, "fwd").get("fwd-canary", 0) == 0, timeout=30)
    for name in ("bad", "back"):
        assert rollback_complete(namespace, name, route=name) == []
    assert watcher.violations == [], watcher.violations
    assert operator.proc.poll() is None, operator.tail()
    assert control_plane.counts == {f"{component}-{fault}": 1}
