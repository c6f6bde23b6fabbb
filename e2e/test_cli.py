"""The aviary command line against the local cluster and a real operator: status, promote, abort,
set-version + wait (exit codes 0, 1, 2), approve/reject as real client-certificate users checked by
RBAC, the admission policy and the operator's SubjectAccessReview, and `kubectl aviary`."""
import json
import os
import subprocess
import time

from harness import ROOT, aviary_binary, apply, kubectl, release_status, set_behaviour, wait_for, wait_phase
from test_canary import http_route, release, route_weights
from test_gates import gated_release

RELEASE_MANAGER_ROLE = os.path.join(ROOT, "manifests", "rbac", "aviary-release-manager.yaml")


def aviary(*args, kubeconfig=None, timeout=120, path_prefix=None, program=None):
    """Runs the CLI (program: another argv, e.g. ["kubectl", "aviary"]); returns the CompletedProcess."""
    env = dict(os.environ)
    if path_prefix:
        env["PATH"] = path_prefix + os.pathsep + env["PATH"]
    cmd = [*(program or [aviary_binary()]), *args]
    if kubeconfig:
        cmd.append(f"--kubeconfig={kubeconfig}")
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)


def ok(proc):
    assert proc.returncode == 0, f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    return proc.stdout


def paused_canary(namespace, name, steps, routing=None):
    """Version 1 promoted, version 2 waiting at its first stop."""
    apply(release(name, 1, steps, routing), namespace)
    wait_phase(name, namespace, "Promoted")
    apply(release(name, 2, steps, routing), namespace)
    return wait_phase(name, namespace, ["Paused", "AwaitingApproval"])


def test_status_shows_the_step_and_weight_and_promote_moves_the_canary(namespace, operator):
    paused_canary(namespace, "ranker", [{"setWeight": 25}, {"pause": {}}, {"setWeight": 100}])
    out = ok(aviary("status", "-n", namespace, "ranker"))
    assert "Phase:       Paused\n" in out, out
    assert "Weight:      25%\n" in out, out
    assert " ok  1  setWeight 25\n" in out and " ->  2  pause (until promoted)\n" in out, out
    assert "Progress:    [########----------------] step 2 of 3" in out, out

    out = ok(aviary("promote", "ranker", "--namespace", namespace))
    assert f"requested promote of modelrelease {namespace}/ranker" in out, out
    status = wait_phase("ranker", namespace, "Promoted")
    assert status["stableVersion"] == "2"
    assert status["lastHandledRequest"] in out


def test_commands_on_a_missing_release_fail_clearly(namespace):
    for command in (["status"], ["promote"], ["abort"], ["set-version", "nowhere", "2"], ["wait", "--timeout=5s"]):
        args = [command[0], "-n", namespace] + (command[1:] if command[0] == "set-version" else ["nowhere"] + command[1:])
        proc = aviary(*args)
        assert proc.returncode == 1, (command, proc.returncode, proc.stdout, proc.stderr)
        assert f'modelrelease "nowhere" not found in namespace "{namespace}"' in proc.stderr, (command, proc.stderr)
    proc = aviary("status")
    assert proc.returncode == 2 and "no release name given" in proc.stderr, proc.stderr


def test_abort_rolls_back(namespace, operator):
    apply(http_route("churn", ["churn-stable"]), namespace)
    paused_canary(namespace, "churn", [{"setWeight": 40}, {"pause": {}}, {"setWeight": 100}],
                  {"gatewayAPI": {"httpRoute": "churn"}})
    wait_for("40% on the canary", lambda: route_weights(namespace, "churn").get("churn-canary") == 40)
    out = ok(aviary("abort", "-n", namespace, "churn"))
    assert "requested abort" in out, out
    status = wait_phase("churn", namespace, "RolledBack")
    assert status["stableVersion"] == "1"
    assert route_weights(namespace, "churn") == {"churn-stable": 100, "churn-canary": 0}
    out = ok(aviary("status", "-n", namespace, "churn"))
    assert "Phase:       RolledBack\n" in out and "Aborted" in out, out


def test_set_version_then_wait_exits_0_when_promoted_and_status_watch_follows(namespace, operator):
    steps = [{"setWeight": 50}, {"pause": {"duration": "2s"}}, {"setWeight": 100}]
    apply(release("scorer", 1, steps), namespace)
    wait_phase("scorer", namespace, "Promoted")
    out = ok(aviary("set-version", "-n", namespace, "scorer", "2"))
    assert "spec.model.version 1 -> 2" in out, out
    watcher = subprocess.Popen([aviary_binary(), "status", "-n", namespace, "scorer", "--watch"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        proc = aviary("wait", "-n", namespace, "scorer", "--timeout", "120s")
        out = ok(proc)
        assert f"modelrelease {namespace}/scorer promoted" in out, out
        assert "canary 2" in out, "progress lines show the rollout: " + out
        watched, errors = watcher.communicate(timeout=30)
    finally:
        if watcher.poll() is None:
            watcher.kill()
    assert watcher.returncode == 0, errors
    assert watched.count("Name:        scorer") >= 2, "one drawing per change:\n" + watched
    assert "Phase:       Promoted\n" in watched.split("Name:        scorer")[-1], "the last drawing is the settled one:\n" + watched
    assert release_status("scorer", namespace)["stableVersion"] == "2"


def test_wait_exits_1_when_a_gate_rolls_back(namespace, operator):
    apply(http_route("fraud", ["fraud-stable"]), namespace)
    apply(gated_release("fraud", 1), namespace)
    wait_phase("fraud", namespace, "Promoted")
    set_behaviour(namespace, "fraud", "2", errorRate=0.3)
    ok(aviary("set-version", "-n", namespace, "fraud", "2"))
    proc = aviary("wait", "-n", namespace, "fraud", "--timeout=150s", timeout=180)
    assert proc.returncode == 1, (proc.returncode, proc.stdout, proc.stderr)
    assert "rolled back to version 1" in proc.stderr, proc.stderr
    assert "gate error-rate" in proc.stdout, "the gate's measurements are printed as they come:\n" + proc.stdout


def test_wait_exits_2_on_timeout(namespace, operator):
    paused_canary(namespace, "slow", [{"setWeight": 10}, {"pause": {}}, {"setWeight": 100}])
    started = time.monotonic()
    proc = aviary("wait", "-n", namespace, "slow", "--timeout", "3s")
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert 3 <= time.monotonic() - started < 20
    assert "timed out after 3s" in proc.stderr, proc.stderr
    assert "Paused" in proc.stdout, proc.stdout


def user_kubeconfig(user, *groups):
    proc = subprocess.run([os.path.join(ROOT, "hack", "cluster.sh"), "user", user, *groups],
                          capture_output=True, text=True, timeout=60, check=True)
    return proc.stdout.strip().splitlines()[-1]


def approval_release(namespace, name, group):
    steps = [{"setWeight": 50}, {"approval": {"groups": [group]}}, {"setWeight": 100}]
    status = paused_canary(namespace, name, steps)
    assert status["phase"] == "AwaitingApproval", status


def test_a_release_managers_approval_moves_the_approval_step(namespace, operator):
    kubectl("apply", "-f", RELEASE_MANAGER_ROLE)
    kubectl("create", "rolebinding", "release-managers", "-n", namespace, "--clusterrole=aviary-release-manager",
            "--group=cli-release-managers")
    kubeconfig = user_kubeconfig("cli-alice", "cli-release-managers")
    approval_release(namespace, "gated", "cli-release-managers")
    out = ok(aviary("approve", "-n", namespace, "gated", "--comment", "metrics look good", "--timeout=90s",
                    kubeconfig=kubeconfig))
    assert "cli-alice approves step 2 of gated" in out and "accepted" in out, out
    status = wait_phase("gated", namespace, "Promoted")
    assert status["stableVersion"] == "2"
    records = [a for a in status.get("approvals", []) if a["approvedBy"] == "cli-alice"]
    assert records and records[0]["accepted"] and records[0]["comment"] == "metrics look good", status.get("approvals")
    approvals = json.loads(kubectl("get", "releaseapprovals", "-n", namespace, "-o", "json").stdout)["items"]
    spec = approvals[0]["spec"]
    assert spec["approvedBy"] == "cli-alice" and "cli-release-managers" in spec["groups"] and spec["step"] == 1, spec


def test_approvals_without_the_right_leave_the_release_waiting_with_a_message(namespace, operator):
    # May create approvals and read releases, but lacks the `approve` verb: the operator ignores it.
    kubectl("create", "role", "approval-writer", "-n", namespace, "--verb=create,get,list,watch",
            "--resource=releaseapprovals.aviary.dev")
    kubectl("create", "role", "release-reader", "-n", namespace, "--verb=get,list,watch",
            "--resource=modelreleases.aviary.dev")
    kubectl("create", "rolebinding", "writer", "-n", namespace, "--role=approval-writer", "--user=cli-mallory")
    kubectl("create", "rolebinding", "readers", "-n", namespace, "--role=release-reader",
            "--user=cli-mallory", "--user=cli-viewer")
    approval_release(namespace, "guarded", "cli-release-managers")

    proc = aviary("approve", "-n", namespace, "guarded", "--timeout=90s", kubeconfig=user_kubeconfig("cli-mallory"))
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    assert "the operator ignored it: cli-mallory may not approve modelreleases/guarded" in proc.stderr, proc.stderr

    # May read the release but not create approvals: the API server refuses.
    proc = aviary("reject", "-n", namespace, "guarded", kubeconfig=user_kubeconfig("cli-viewer"))
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    assert "the API server refused the approval" in proc.stderr and "forbidden" in proc.stderr, proc.stderr

    time.sleep(1)
    status = release_status("guarded", namespace)
    assert status["phase"] == "AwaitingApproval", status
    out = ok(aviary("status", "-n", namespace, "guarded"))
    assert "Pending approval: step 2 waits for cli-release-managers" in out, out
    assert "ignored: cli-mallory may not approve" in out, out


def test_kubectl_aviary_runs_the_same_commands(namespace, operator):
    apply(release("plugin", 1, [{"setWeight": 100}]), namespace)
    wait_phase("plugin", namespace, "Promoted")
    build_cli = os.path.dirname(aviary_binary())
    assert os.path.islink(os.path.join(build_cli, "kubectl-aviary"))
    out = ok(aviary("status", "-n", namespace, "plugin", program=["kubectl", "aviary"], path_prefix=build_cli))
    assert "Name:        plugin\n" in out and "Phase:       Promoted\n" in out, out
    out = ok(aviary("help", program=["kubectl", "aviary"], path_prefix=build_cli))
    assert out.startswith("usage: kubectl aviary COMMAND"), out
