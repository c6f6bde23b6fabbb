"""The statistical judges against live traffic: a slower canary fails Mann-Whitney against the
baseline, shifted predictions fail PSI, and an unreachable Prometheus never promotes."""
import os
import time

from harness import apply, release_status, set_behaviour, wait_for, wait_outcome, wait_phase
from test_canary import http_route, release

SELECT = 'namespace="{{namespace}}",release="{{release}}",version="{{version}}"'
PROMETHEUS = os.environ.get("AVIARY_PROMETHEUS_URL", "http://127.0.0.1:9090")


def compare_release(name, version, gate, address=PROMETHEUS):
    gate = {**gate, "prometheus": {**gate["prometheus"], "address": address}}
    steps = [{"setWeight": 50}, {"analysis": {"gates": [gate["name"]]}}, {"setWeight": 100}]
    return release(name, version, steps, {"gatewayAPI": {"httpRoute": name}},
                   analysis={"interval": "3s", "gates": [gate]})


LATENCY = {
    "name": "latency-vs-baseline",
    "prometheus": {"query": f"histogram_quantile(0.5, sum by (le) (rate(model_request_duration_seconds_bucket{{{SELECT}}}[5s])))",
                   "range": "25s", "step": "1s"},
    "compare": {"test": "mann-whitney", "direction": "increase", "confidence": 0.95, "allowedIncrease": 1.2,
                "minSamples": 15},
    "initialDelay": "25s",
    "inconclusiveLimit": 6,  # too few samples yet is inconclusive; count waits for decisive ones
}

DRIFT = {
    "name": "prediction-drift",
    "prometheus": {"query": f"sum by (le) (increase(model_prediction_score_bucket{{{SELECT}}}[20s]))"},
    "compare": {"test": "psi", "maxPsi": 0.2, "minSamples": 200},  # ~500 per side in 20 s at 50% of 50 req/s
    "initialDelay": "20s",
    "inconclusiveLimit": 6,  # too few samples yet is inconclusive; count waits for decisive ones
}


def rollout(namespace, name, gate, **behaviour):
    apply(http_route(name, [f"{name}-stable"]), namespace)
    apply(compare_release(name, 1, gate), namespace)
    wait_phase(name, namespace, "Promoted")
    set_behaviour(namespace, name, "2", **behaviour)
    apply(compare_release(name, 2, gate), namespace)
    return wait_outcome(name, namespace, 2, timeout=150)


def gate_status(status, name):
    return next(g for g in status.get("gates", []) if g["name"] == name)


def test_slower_canary_fails_mann_whitney(namespace, operator):
    status = rollout(namespace, "slow", LATENCY, latencyMs=150)
    assert status["phase"] == "RolledBack", status
    gate = gate_status(status, "latency-vs-baseline")
    assert gate["verdict"] == "Fail", gate
    last = gate["measurements"][-1]
    assert last["value"] > 1.2 * last["baseline"], last


def test_shifted_predictions_fail_psi(namespace, operator):
    status = rollout(namespace, "drift", DRIFT, predictionShift=0.35)
    assert status["phase"] == "RolledBack", status
    gate = gate_status(status, "prediction-drift")
    assert gate["verdict"] == "Fail" and gate["measurements"][-1]["value"] > 0.2, gate


def taken_up(name, namespace, version):
    """The operator is rolling the version out, or has rolled it back."""
    status = release_status(name, namespace)
    return str(version) in (status.get("canaryVersion"), status.get("rolledBackVersion"))


def test_unreachable_prometheus_never_promotes(namespace, operator):
    gate = {"name": "error-rate", "prometheus": {"query": f"sum(rate(model_requests_total{{{SELECT}}}[15s]))"},
            "threshold": {"max": 0.05}}
    apply(http_route("blind", ["blind-stable"]), namespace)
    apply(compare_release("blind", 1, gate, address="http://127.0.0.1:9"), namespace)
    wait_phase("blind", namespace, "Promoted")
    apply(compare_release("blind", 2, gate, address="http://127.0.0.1:9"), namespace)
    # From the moment the operator has taken version 2 up (before that, status still tells of version 1).
    wait_for("version 2 taken up", lambda: taken_up("blind", namespace, 2))
    deadline = time.monotonic() + 25
    while time.monotonic() < deadline:
        status = release_status("blind", namespace)
        assert status.get("phase") != "Promoted" and status.get("stableVersion") == "1", status
        time.sleep(1)
    gate_state = gate_status(status, "error-rate")
    assert gate_state["errors"] >= 2, gate_state
    assert "127.0.0.1:9" in gate_state["measurements"][-1]["detail"], gate_state
