"""The analysis stages other than a canary's analysis step, end to end: blue-green pre-promotion
analysis (judging the preview before the switch), post-promotion analysis (judging the new active
version, rolling back the switch) and a canary's background analysis (judging all along a paused step).
The blue-green gates use the command provider (the preview takes no user traffic here); the background
gate is the Prometheus error-rate gate over the simulator's traffic."""
import pytest

from harness import Operator, apply, set_behaviour, wait_for, wait_outcome, wait_phase
from test_canary import http_route, release, route_weights
from test_gates import error_rate_gate
from test_strategies import blue_green, selected_version

# A "quality score" that only version 2 fails: the gate's command prints the number it measures.
QUALITY_GATE = {
    "name": "quality",
    "command": {"command": ["sh", "-c", 'if [ "{{version}}" = 2 ]; then echo 0.3; else echo 0.01; fi']},
    "threshold": {"max": 0.1},
    "count": 2,
}


@pytest.fixture
def trusting_operator(namespace):
    """An operator that runs command gates (they are off by default: they run in its container)."""
    op = Operator("--enable-command-gates", namespace=namespace)
    yield op
    op.stop()


def judged_blue_green(name, version, stage):
    r = blue_green(name, version)
    r["spec"]["strategy"]["blueGreen"].update(autoPromote=True, **{stage: {"gates": ["quality"]}})
    r["spec"]["analysis"] = {"interval": "1s", "gates": [QUALITY_GATE]}
    return r


def test_failing_pre_promotion_analysis_never_switches(namespace, trusting_operator):
    apply(judged_blue_green("pre", 1, "prePromotionAnalysis"), namespace)
    wait_phase("pre", namespace, "Promoted")
    apply(judged_blue_green("pre", 2, "prePromotionAnalysis"), namespace)
    status = wait_phase("pre", namespace, "RolledBack", timeout=60)
    assert status["stableVersion"] == "1"
    gate = next(g for g in status["gates"] if g["name"] == "quality")
    assert gate["verdict"] == "Fail" and gate["measurements"][-1]["value"] == 0.3, gate
    assert selected_version(namespace, "pre-stable") == "1", "the active Service never left version 1"


def test_passing_pre_promotion_analysis_switches_by_itself(namespace, trusting_operator):
    apply(judged_blue_green("ok", 1, "prePromotionAnalysis"), namespace)
    wait_phase("ok", namespace, "Promoted")
    apply(judged_blue_green("ok", 3, "prePromotionAnalysis"), namespace)
    status = wait_outcome("ok", namespace, 3, timeout=60)
    assert status["phase"] == "Promoted" and status["stableVersion"] == "3", status
    wait_for("active Service on version 3", lambda: selected_version(namespace, "ok-stable") == "3")


def test_failing_post_promotion_analysis_switches_back(namespace, trusting_operator):
    apply(judged_blue_green("post", 1, "postPromotionAnalysis"), namespace)
    wait_phase("post", namespace, "Promoted")
    apply(judged_blue_green("post", 2, "postPromotionAnalysis"), namespace)
    status = wait_phase("post", namespace, "RolledBack", timeout=60)
    assert status["stableVersion"] == "1", status
    wait_for("active Service back on version 1", lambda: selected_version(namespace, "post-stable") == "1")


def test_failing_background_analysis_rolls_back_a_paused_canary(namespace, operator):
    apply(http_route("bg", ["bg-stable"]), namespace)
    steps = [{"setWeight": 50}, {"pause": {}}, {"setWeight": 100}]

    def background_release(version):
        r = release("bg", version, steps, {"gatewayAPI": {"httpRoute": "bg"}},
                    analysis={"interval": "3s", "gates": [error_rate_gate()]})
        r["spec"]["strategy"]["canary"]["backgroundAnalysis"] = {"gates": ["error-rate"]}
        return r

    apply(background_release(1), namespace)
    wait_phase("bg", namespace, "Promoted")
    set_behaviour(namespace, "bg", "2", errorRate=0.3)
    apply(background_release(2), namespace)
    wait_phase("bg", namespace, "Paused")
    status = wait_phase("bg", namespace, "RolledBack", timeout=120)
    assert status["stableVersion"] == "1"
    assert route_weights(namespace, "bg") == {"bg-stable": 100, "bg-canary": 0}


def test_command_gates_are_refused_unless_the_operator_allows_them(namespace, operator):
    apply(judged_blue_green("locked", 1, "prePromotionAnalysis"), namespace)
    wait_phase("locked", namespace, "Promoted")
    apply(judged_blue_green("locked", 3, "prePromotionAnalysis"), namespace)

    def refused():
        s = wait_phase("locked", namespace, ["Paused", "RolledBack", "Progressing", "Promoted"])
        gate = next((g for g in s.get("gates", []) if g["name"] == "quality" and g.get("measurements")), None)
        return gate if gate and gate["measurements"][-1]["verdict"] == "Error" else None
    gate = wait_for("the command gate measuring Error", refused, timeout=60)
    assert "--enable-command-gates" in gate["measurements"][-1]["detail"], gate
    assert selected_version(namespace, "locked-stable") == "1", "never switched on a gate that could not run"
