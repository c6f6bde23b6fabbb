"""Decision records end to end (docs/audit.md): each rollout leaves one MLflow run in experiment
aviary/<namespace>/<release> with every gate measurement as a metric series, the approver as tags,
decision-record.json behind the tracking server's artifact proxy, and aviary.run_id on the model
version; an MLflow outage or an operator killed mid-rollout delays the run but never loses or repeats
a point. Read back through MLflow's REST API; `aviary report` renders the same record."""
import json
import os
import subprocess
import time
import urllib.error
import urllib.request
import uuid

import jsonschema
import pytest

from harness import ROOT, Operator, aviary_binary, apply, release_status, wait_for, wait_phase
from mlflow_api import PrivateMlflow
from test_approvals import MANAGERS, approval, grant
from test_registry import registry as shared_mlflow
from test_registry import registered_release

SCHEMA = json.load(open(os.path.join(ROOT, "docs", "decision-record.schema.json")))


def command_gate(name, value, count, interval="1s"):
    return {"name": name, "command": {"command": ["sh", "-c", f"echo {value}"]},
            "threshold": {"max": 0.01 if name == "error-rate" else 100}, "interval": interval, "count": count}


def decided_release(model, version, steps, gates, mlflow):
    r = registered_release(model, version, steps, url=mlflow.url)
    r["spec"]["analysis"] = {"interval": "1s", "gates": gates}
    return r


TWO_ANALYSES = [{"setWeight": 20}, {"analysis": {"gates": ["error-rate", "latency"]}},
                {"approval": {"groups": [MANAGERS]}}, {"setWeight": 50},
                {"analysis": {"gates": ["error-rate"]}}, {"setWeight": 100}]
HEALTHY = [command_gate("error-rate", 0.002, 3), command_gate("latency", 41.5, 2)]


@pytest.fixture
def command_operator(namespace):
    """The operator with command gates on: the gates below print their readings (no traffic needed)."""
    op = Operator("--enable-command-gates", namespace=namespace)
    yield op
    op.stop()


class Runs:
    """The tracking API and the artifact proxy of one MLflow server."""

    def __init__(self, mlflow):
        self.mlflow = mlflow

    def experiment(self, namespace, model):
        answer = self.mlflow.call("GET", "experiments/get-by-name", experiment_name=f"aviary/{namespace}/{model}")
        return answer.get("experiment", {}).get("experiment_id")

    def runs(self, namespace, model):
        experiment = self.experiment(namespace, model)
        if not experiment:
            return []
        answer = self.mlflow.call("POST", "runs/search", {"experiment_ids": [experiment], "max_results": 100})
        return answer.get("runs", [])

    def history(self, run_id, key):
        answer = self.mlflow.call("GET", "metrics/get-history", run_id=run_id, metric_key=key, max_results=25000)
        return answer.get("metrics", [])

    def artifact(self, run, path="decision-record.json"):
        uri = run["info"]["artifact_uri"]
        assert uri.startswith("mlflow-artifacts:/"), uri  # uploaded through the tracking server's proxy
        url = f"{self.mlflow.url}/api/2.0/mlflow-artifacts/artifacts/{uri[len('mlflow-artifacts:/'):].lstrip('/')}/{path}"
        try:
            with urllib.request.urlopen(url, timeout=10) as r:
                return json.loads(r.read())
        except urllib.error.HTTPError:
            return None


def tags(run):
    return {t["key"]: t["value"] for t in run["data"].get("tags", [])}


def last_record(model, namespace):
    records = release_status(model, namespace).get("decisionRecords", [])
    return records[-1] if records else None


def ended_run(runs, namespace, model, rollout, timeout=120):
    """The rollout's run once MLflow has it whole (ended, with its artifact)."""
    def ended():
        for run in runs.runs(namespace, model):
            t = tags(run)
            if t.get("aviary.rollout") == str(rollout) and run["info"]["status"] != "RUNNING" and runs.artifact(run):
                return run
        return None
    return wait_for(f"rollout {rollout}'s run ended in MLflow", ended, timeout=timeout)


def gate_readings(status, gate):
    """How many counted readings status.gates[] reports for a gate, over all its stages."""
    return sum(g["successes"] + g["failures"] + g["inconclusives"] + g["errors"]
               for g in status.get("gates", []) if g["name"] == gate)


def assert_series(runs, run_id, key, expected_count):
    points = runs.history(run_id, key)
    assert len(points) == expected_count, (key, points)
    distinct = {(p["timestamp"], p["step"], p["value"]) for p in points}
    assert len(distinct) == len(points), f"duplicated points in {key}: {points}"
    by_step = sorted(points, key=lambda p: (p["step"], p["timestamp"]))
    stamps = [p["timestamp"] for p in by_step]
    assert stamps == sorted(stamps), f"timestamps of {key} not monotonic over the steps: {by_step}"
    return points


def report(namespace, model, *args):
    return subprocess.run([aviary_binary(), "report", "-n", namespace, model, *args], capture_output=True, text=True,
                          timeout=60)


def start_second_version(namespace, model, mlflow, steps, gates, v2_gates=None):
    mlflow.register(model, [1, 2])
    apply(decided_release(model, 1, steps, gates, mlflow), namespace)
    wait_phase(model, namespace, "Promoted")
    apply(decided_release(model, 2, steps, v2_gates or gates, mlflow), namespace)


def test_an_approved_canary_leaves_one_finished_run_with_its_evidence(namespace, command_operator):
    model = "rec-" + uuid.uuid4().hex[:6]
    runs = Runs(shared_mlflow)
    grant(namespace, "aviary-release-manager", "managers", group=MANAGERS)
    start_second_version(namespace, model, shared_mlflow, TWO_ANALYSES, HEALTHY)
    wait_phase(model, namespace, "AwaitingApproval", timeout=120)
    running = report(namespace, model)
    assert running.returncode == 1 and "INCOMPLETE" in running.stdout, running

    apply(approval(model, "alice", groups=[MANAGERS]), namespace, as_user="alice", as_groups=[MANAGERS])
    status = wait_phase(model, namespace, "Promoted", timeout=120)
    run = ended_run(runs, namespace, model, last_record(model, namespace)["rollout"])
    assert len([r for r in runs.runs(namespace, model) if tags(r).get("aviary.version") == "2"]) == 1
    assert run["info"]["status"] == "FINISHED", run["info"]
    t = tags(run)
    assert t["aviary.approved_by"] == "alice" and t["aviary.approval_comment"] == "e2e", t
    assert t["aviary.outcome"] == "Promoted", t
    params = {p["key"]: p["value"] for p in run["data"].get("params", [])}
    assert params["model.version"] == "2" and params["model.baseline_version"] == "1", params
    assert params["steps.1"] == "analysis error-rate,latency", params

    status = release_status(model, namespace)
    run_id = run["info"]["run_id"]
    for gate in ("error-rate", "latency"):
        counted = gate_readings(status, gate)
        assert counted > 0, status.get("gates")
        assert_series(runs, run_id, f"gate/{gate}/verdict", counted)
        assert_series(runs, run_id, f"gate/{gate}/value", counted)
    assert runs.history(run_id, "canary_weight"), "the canary weight over time"

    record = runs.artifact(run)
    jsonschema.validate(record, SCHEMA)
    assert record["decision"]["outcome"] == "Promoted" and record["complete"], record["decision"]
    approvals = [e for e in record["timeline"] if e["kind"] == "approval"]
    assert approvals and approvals[0]["by"] == "alice", record["timeline"]
    assert shared_mlflow.version_tags(model, 2).get("aviary.run_id") == run_id

    text = report(namespace, model)
    assert text.returncode == 0, text
    assert "Outcome           Promoted (run FINISHED)" in text.stdout, text.stdout
    assert "approval approve by alice \"e2e\" (accepted)" in text.stdout, text.stdout
    assert "Source            mlflow" in text.stdout, text.stdout
    as_json = json.loads(report(namespace, model, "-o", "json").stdout)
    assert as_json["record"] == record
    markdown = report(namespace, model, "--version", "2", "-o", "markdown")
    assert markdown.returncode == 0 and "| Outcome | Promoted (run FINISHED)" in markdown.stdout, markdown.stdout


def test_a_rolled_back_canary_leaves_a_failed_run_naming_the_gate(namespace, command_operator):
    model = "rec-" + uuid.uuid4().hex[:6]
    runs = Runs(shared_mlflow)
    steps = [{"setWeight": 20}, {"analysis": {"gates": ["error-rate"]}}, {"setWeight": 100}]
    start_second_version(namespace, model, shared_mlflow, steps, [command_gate("error-rate", 0.002, 2)],
                         v2_gates=[command_gate("error-rate", 0.25, 2)])
    wait_phase(model, namespace, "RolledBack", timeout=120)
    run = ended_run(runs, namespace, model, last_record(model, namespace)["rollout"])
    assert run["info"]["status"] == "FAILED", run["info"]
    t = tags(run)
    assert t["aviary.outcome"] == "RolledBack" and t["aviary.failing_gate"] == "error-rate", t
    record = runs.artifact(run)
    jsonschema.validate(record, SCHEMA)
    failing = record["decision"]["failingGate"]
    assert failing["gate"] == "error-rate" and failing["value"] == 0.25 and failing["verdict"] == "Fail", failing
    text = report(namespace, model, "--rollout", str(record["rollout"]))
    assert text.returncode == 0, text
    assert "Failing gate      error-rate" in text.stdout and "value=0.25" in text.stdout, text.stdout


SLOW = [{"setWeight": 20}, {"analysis": {"gates": ["error-rate"]}}, {"setWeight": 100}]


def assert_whole(runs, namespace, model, mlflow):
    status = wait_phase(model, namespace, "Promoted", timeout=180)
    run = ended_run(runs, namespace, model, last_record(model, namespace)["rollout"], timeout=180)
    assert len([r for r in runs.runs(namespace, model) if tags(r).get("aviary.version") == "2"]) == 1
    assert run["info"]["status"] == "FINISHED", run["info"]
    status = release_status(model, namespace)
    counted = gate_readings(status, "error-rate")
    assert counted == 12, status.get("gates")
    assert_series(runs, run["info"]["run_id"], "gate/error-rate/value", counted)
    record = runs.artifact(run)
    jsonschema.validate(record, SCHEMA)
    assert len(record["measurements"]["error-rate"]) == counted
    assert mlflow.version_tags(model, 2).get("aviary.run_id") == run["info"]["run_id"]


@pytest.fixture
def private_mlflow():
    server = PrivateMlflow()
    yield server
    server.stop()


def test_an_mlflow_outage_mid_rollout_delays_the_run_without_losing_or_repeating_points(
        namespace, command_operator, private_mlflow):
    mlflow = private_mlflow
    runs = Runs(mlflow)
    model = "rec-" + uuid.uuid4().hex[:6]
    start_second_version(namespace, model, mlflow, SLOW, [command_gate("error-rate", 0.002, 12)])
    wait_for("the run created", lambda: (last_record(model, namespace) or {}).get("runId"), timeout=60)
    mlflow.stop()

    def waiting():
        r = last_record(model, namespace)
        return r if r and r.get("lastError") and r.get("sentPoints", 0) < len(r.get("points", [])) else None
    wait_for("readings waiting in status while MLflow is down", waiting, timeout=60)
    time.sleep(3)
    mlflow.start()
    assert_whole(runs, namespace, model, mlflow)


def test_an_operator_killed_mid_rollout_leaves_one_whole_run(namespace, private_mlflow):
    mlflow = private_mlflow
    runs = Runs(mlflow)
    model = "rec-" + uuid.uuid4().hex[:6]
    first = Operator("--enable-command-gates", namespace=namespace)
    try:
        start_second_version(namespace, model, mlflow, SLOW, [command_gate("error-rate", 0.002, 12)])
        wait_for("some readings sent", lambda: (last_record(model, namespace) or {}).get("sentPoints", 0) >= 3,
                 timeout=60)
    finally:
        first.kill()
    second = Operator("--enable-command-gates", namespace=namespace)
    try:
        assert_whole(runs, namespace, model, mlflow)
    finally:
        second.stop()


def test_without_mlflow_the_record_stays_in_status_and_report_reads_it(namespace, command_operator):
    from test_canary import release
    model = "rec-" + uuid.uuid4().hex[:6]
    steps = [{"setWeight": 50}, {"analysis": {"gates": ["error-rate"]}}, {"setWeight": 100}]
    for version in (1, 2):
        r = release(model, version, steps)
        r["spec"]["analysis"] = {"interval": "1s", "gates": [command_gate("error-rate", 0.002, 2)]}
        apply(r, namespace)
        wait_phase(model, namespace, "Promoted", timeout=120)
    wait_for("version 2 stable", lambda: release_status(model, namespace).get("stableVersion") == "2", timeout=60)
    record = wait_for("the record ended", lambda: (lambda r: r if r and r.get("outcome") else None)(
        last_record(model, namespace)), timeout=60)
    assert not record.get("runId"), record
    out = report(namespace, model, "-o", "json")
    assert out.returncode == 0, out
    document = json.loads(out.stdout)
    assert document["source"]["origin"] == "status", document["source"]
    jsonschema.validate(document["record"], SCHEMA)
    assert len(document["record"]["measurements"]["error-rate"]) == gate_readings(release_status(model, namespace),
                                                                                 "error-rate")
    missing = report(namespace, model, "--rollout", "99")
    assert missing.returncode == 1 and "no decision record for rollout 99" in missing.stderr, missing
    usage = report(namespace, model, "-o", "yaml")
    assert usage.returncode == 2, usage


def test_a_promote_names_its_verified_requester_in_status_and_mlflow_and_a_forged_name_is_refused(
        namespace, command_operator):
    """`aviary promote` names the user the API server authenticated (aviary.dev/requested-by); the
    admission policy aviary-request-identity refuses a request naming someone else; the record and
    MLflow carry the name, and a request naming nobody is recorded as unverified."""
    from test_cli import user_kubeconfig
    from harness import get, kubectl
    model = "req-" + uuid.uuid4().hex[:6]
    runs = Runs(shared_mlflow)
    kubectl("create", "role", "release-operator", "-n", namespace, "--verb=get,list,watch,patch",
            "--resource=modelreleases.aviary.dev")
    # Both may patch the release: RBAC lets mallory write a request, only the policy checks the name.
    kubectl("create", "rolebinding", "release-operators", "-n", namespace, "--role=release-operator",
            "--user=req-carol", "--user=req-mallory")
    steps = [{"setWeight": 20}, {"pause": {}}, {"setWeight": 50}, {"pause": {}}, {"setWeight": 100}]
    start_second_version(namespace, model, shared_mlflow, steps, [command_gate("error-rate", 0.002, 1)])
    wait_for("paused at 20%", lambda: (lambda s: s.get("phase") == "Paused" and s.get("canaryWeight") == 20)(
        release_status(model, namespace)), timeout=120)

    forged = kubectl("patch", "modelrelease", model, "-n", namespace, "--type=merge", "-p", json.dumps(
        {"metadata": {"annotations": {"aviary.dev/request": "abort", "aviary.dev/request-id": "forged-1",
                                      "aviary.dev/requested-by": "req-carol"}}}), as_user="req-mallory", check=False)
    assert forged.returncode != 0, forged.stdout
    assert 'aviary.dev/requested-by must be the requesting user "req-mallory", not "req-carol"' in forged.stderr, \
        forged.stderr
    annotations = get("modelrelease", model, namespace)["metadata"].get("annotations", {})
    assert "aviary.dev/request-id" not in annotations, annotations

    # An annotation naming nobody (an older client): acted upon, recorded as unverified.
    kubectl("annotate", "modelrelease", model, "-n", namespace, "aviary.dev/request=promote",
            "aviary.dev/request-id=legacy-1")
    wait_for("paused at 50%", lambda: (lambda s: s.get("phase") == "Paused" and s.get("canaryWeight") == 50)(
        release_status(model, namespace)), timeout=60)

    env = dict(os.environ, KUBECONFIG=user_kubeconfig("req-carol"))
    promoted = subprocess.run([aviary_binary(), "promote", "-n", namespace, model], capture_output=True, text=True,
                              timeout=60, env=env)
    assert promoted.returncode == 0, promoted
    assert "as req-carol)" in promoted.stdout, promoted.stdout
    wait_phase(model, namespace, "Promoted", timeout=120)
    annotations = wait_for("the request's annotations cleared", lambda: (lambda a: a if not any(
        k.startswith("aviary.dev/request") for k in a) else None)(
        get("modelrelease", model, namespace)["metadata"].get("annotations", {})), timeout=30)

    record = last_record(model, namespace)
    requests = [e for e in record["events"] if e["kind"] == "request"]
    assert [(e["action"], e.get("by", "")) for e in requests] == [("promote", ""), ("promote", "req-carol")], requests
    assert requests[0]["message"].startswith("unverified"), requests[0]
    run = ended_run(runs, namespace, model, record["rollout"])
    t = tags(run)
    assert t["aviary.request.0.by"] == "unknown" and t["aviary.request.0.verified"] == "false", t
    assert t["aviary.request.1.by"] == "req-carol" and t["aviary.request.1.verified"] == "true", t
    assert shared_mlflow.version_tags(model, 2).get("aviary.promote_requested_by") == "req-carol"
    timeline = [e for e in runs.artifact(run)["timeline"] if e["kind"] == "request"]
    assert timeline[1]["by"] == "req-carol", timeline
