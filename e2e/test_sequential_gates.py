"""Sequential (anytime-valid) gates against live traffic: the simulator serves 10% of each release's
traffic to the canary, the real Prometheus counts it, and the operator judges exact cumulative counts
since the analysis began look after look. A healthy canary watched for 40 looks is promoted
(three releases at once); a canary with 2 percentage points more errors is rolled back within 3 looks;
status.gates[].sequential shows the p-value, the confidence sequence and the counts. The same with
planned looks (spending: front-loaded): a healthy canary promoted after its 20 planned looks, a +2 pp
regression rolled back within 3."""
import os
import threading

from harness import apply, set_behaviour, wait_outcome, wait_phase
from test_canary import http_route, release

SELECT = 'namespace="{{namespace}}",release="{{release}}",version="{{version}}"'
PROMETHEUS = os.environ.get("AVIARY_PROMETHEUS_URL", "http://127.0.0.1:9090")
INTERVAL_S = 3
# 3,000 req/s × 10% × 3 s = 900 canary requests a look: the +2 pp case of bench/judges with enough
# traffic that "within 3 looks" is near certain (the benchmark gives the rate at 300 a look).
REQUESTS_PER_SECOND = 3000


def requests_since_stage_start(selector):
    """Exact counts since the stage began (docs/gates.md, "Exact counts"). increase() extrapolates: on a
    canary's first look, its series born inside the window, it read 3 errors of 936 where 8 of 940 had
    been served, and three CI runs saw a healthy canary pass early on "0 errors of ~950"."""
    series = f"model_requests_total{{{selector}}}"
    latest = f"last_over_time({series}[{{{{elapsed}}}}])"
    return f"sum(({latest} - {series} @ {{{{stageStart}}}}) or {latest})"


def errors_gate(confidence, looks, **compare):
    return {
        "name": "errors-vs-baseline",
        "prometheus": {
            "address": PROMETHEUS,
            "query": requests_since_stage_start(SELECT + ',code=~"5.."'),
            "totalQuery": requests_since_stage_start(SELECT),
        },
        "compare": {"test": "proportion", "sequential": True, "confidence": confidence, **compare},
        "count": looks,
    }


def sequential_release(name, version, gate):
    steps = [{"setWeight": 10}, {"analysis": {"gates": [gate["name"]]}}, {"setWeight": 100}]
    return release(name, version, steps, {"gatewayAPI": {"httpRoute": name}},
                   analysis={"interval": f"{INTERVAL_S}s", "gates": [gate]})


def rollout(namespace, name, gate, canary_error_rate, timeout):
    for version, error_rate in (("1", 0.01), ("2", canary_error_rate)):
        set_behaviour(namespace, name, version, errorRate=error_rate, requestsPerSecond=REQUESTS_PER_SECOND)
    apply(http_route(name, [f"{name}-stable"]), namespace)
    apply(sequential_release(name, 1, gate), namespace)
    wait_phase(name, namespace, "Promoted")
    apply(sequential_release(name, 2, gate), namespace)
    return wait_outcome(name, namespace, 2, timeout=timeout)


def assert_interval_excludes_no_worse_when_strong(seq, alpha):
    """The confidence sequence of the canary/baseline ratio is two-sided (α/2 a side) where a fail is
    one-sided (α): it lies above "no worse" (ratio 1) whenever the evidence reached p ≤ α/2."""
    assert seq.get("ratioLow", 0) >= 1 or seq["pValue"] > alpha / 2, seq


def sequence(status):
    gate = next(g for g in status.get("gates", []) if g["name"] == "errors-vs-baseline")
    return gate, gate.get("sequential", {})


def test_healthy_canaries_watched_forty_looks_are_promoted(namespace, operator):
    # 1% errors on both sides. At confidence 0.99 a run rolls back a healthy canary with probability
    # at most 1% however many looks it takes (bench/judges measures ~0.1%); three runs at once.
    gate = errors_gate(0.99, 40)
    results = {}

    def run(name):
        try:
            results[name] = rollout(namespace, name, gate, 0.01, timeout=40 * INTERVAL_S + 120)
        except Exception as e:  # reported below with the others
            results[name] = e

    threads = [threading.Thread(target=run, args=(f"healthy-{i}",)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for name, status in results.items():
        assert not isinstance(status, Exception), f"{name}: {status}"
        assert status["phase"] == "Promoted", (name, status)
        gate_status, seq = sequence(status)
        assert gate_status["verdict"] == "Pass", gate_status
        assert seq["looks"] >= 30, seq
        assert seq["pValue"] > 0.01 and "decision" not in seq, seq
        assert seq["canary"]["total"] > 0 and seq["baseline"]["total"] > 8 * seq["canary"]["total"], seq
        assert len(seq["logLikelihoods"]) == 11, seq


def test_two_points_more_errors_are_rolled_back_within_three_looks(namespace, operator):
    status = rollout(namespace, "regressed", errors_gate(0.95, 40), 0.03, timeout=120)
    assert status["phase"] == "RolledBack", status
    assert status["stableVersion"] == "1"
    gate_status, seq = sequence(status)
    assert gate_status["verdict"] == "Fail", gate_status
    assert seq["decision"] == "fail" and seq["pValue"] <= 0.05, seq
    assert seq["looks"] <= 3, seq
    assert_interval_excludes_no_worse_when_strong(seq, 0.05)
    # Often decided on a first look of a few hundred canary requests, so the rate it stopped at leans high.
    canary_rate = seq["canary"]["events"] / seq["canary"]["total"]
    assert 0.015 < canary_rate < 0.08, seq
    assert "always-valid p" in seq["reason"], seq


# Planned looks: the budget spent front-loaded over maxLooks (here the gate's count, 20) looks.
PLANNED = {"spending": "front-loaded"}


def test_planned_looks_promote_a_healthy_canary_after_its_last_look(namespace, operator):
    # At 0.99 a healthy canary is rolled back with probability at most 1% (bench/judges: ~0.5%).
    status = rollout(namespace, "planned-healthy", errors_gate(0.99, 20, **PLANNED), 0.01, timeout=20 * INTERVAL_S + 120)
    assert status["phase"] == "Promoted", status
    gate_status, seq = sequence(status)
    assert gate_status["verdict"] == "Pass", gate_status
    assert "front-loaded over 20 looks" in gate_status["judge"], gate_status
    assert seq["looks"] == 20 and seq["maxLooks"] == 20, seq
    assert abs(seq["alphaSpent"] - 0.01) < 1e-9, seq  # the whole budget, and no more
    assert seq["pValue"] > 0.01 and "logLikelihoods" not in seq, seq
    assert seq["canary"]["total"] > 0 and seq["baseline"]["total"] > 8 * seq["canary"]["total"], seq


def test_planned_looks_roll_back_two_points_more_errors_within_three_looks(namespace, operator):
    gate = errors_gate(0.95, 40, spending="front-loaded", maxLooks=100)
    status = rollout(namespace, "planned-regressed", gate, 0.03, timeout=120)
    assert status["phase"] == "RolledBack", status
    gate_status, seq = sequence(status)
    assert gate_status["verdict"] == "Fail", gate_status
    assert seq["decision"] == "fail" and seq["pValue"] <= 0.05, seq
    assert seq["looks"] <= 3 and seq["maxLooks"] == 100, seq
    assert 0 < seq["alphaSpent"] <= 0.05 / 2 + 1e-12, seq  # at most the first three looks' α/6 each
    assert_interval_excludes_no_worse_when_strong(seq, 0.05)
    assert seq["reason"].startswith(f"look {seq['looks']} p "), seq
