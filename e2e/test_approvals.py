"""Approvals bound to a real identity, through the CRD path: the API server refuses an approval that
claims someone else, the operator ignores one from a user without the `approve` right (and says why),
and a release manager's approval promotes and lands in MLflow. Users are impersonated (kubectl --as)."""
import time
import uuid

from harness import ROOT, apply, get, kubectl, release_status, wait_for, wait_phase
from test_registry import alias, register, registered_release, version_tags

MANAGERS = "release-managers"
STEPS = [{"setWeight": 50}, {"approval": {"groups": [MANAGERS]}}, {"setWeight": 100}]


def grant(namespace, role, name, **subject):
    """A RoleBinding in the test namespace; ClusterRole aviary-release-manager comes from manifests/rbac."""
    kubectl("apply", "-f", f"{ROOT}/manifests/rbac/aviary-release-manager.yaml")
    who = [f"--user={subject['user']}"] if "user" in subject else [f"--group={subject['group']}"]
    kubectl("create", "rolebinding", name, "-n", namespace, f"--clusterrole={role}", *who)


def only_create_approvals(namespace, user):
    """A user who may create ReleaseApprovals but holds no `approve` right on releases."""
    kubectl("create", "role", "approval-writer", "-n", namespace, "--verb=create,get",
            "--resource=releaseapprovals.aviary.dev")
    kubectl("create", "rolebinding", "approval-writer", "-n", namespace, "--role=approval-writer", f"--user={user}")


def approval(release, approved_by, groups=(), decision="approve"):
    spec = {"release": release, "decision": decision, "approvedBy": approved_by, "comment": "e2e"}
    if groups:
        spec["groups"] = list(groups)
    return {"apiVersion": "aviary.dev/v1alpha1", "kind": "ReleaseApproval",
            "metadata": {"name": f"{release}-{uuid.uuid4().hex[:6]}"}, "spec": spec}


def awaiting_approval(model, namespace):
    apply(registered_release(model, 1, STEPS), namespace)
    wait_phase(model, namespace, "Promoted")
    apply(registered_release(model, 2, STEPS), namespace)
    return wait_phase(model, namespace, "AwaitingApproval")


def test_an_approval_claiming_another_user_is_refused_by_the_api_server(namespace, operator):
    grant(namespace, "aviary-release-manager", "managers", group=MANAGERS)
    proc = apply(approval("any", "bob"), namespace, check=False, as_user="alice", as_groups=[MANAGERS])
    assert proc.returncode != 0
    assert 'approvedBy must be the requesting user "alice"' in proc.stderr, proc.stderr
    proc = apply(approval("any", "alice", groups=["cluster-admins"]), namespace, check=False,
                 as_user="alice", as_groups=[MANAGERS])
    assert proc.returncode != 0 and "not a member of: cluster-admins" in proc.stderr, proc.stderr


def test_an_approver_without_the_approve_right_leaves_the_release_waiting(namespace, operator):
    model = "appr-" + uuid.uuid4().hex[:6]
    register(model, [1, 2])
    awaiting_approval(model, namespace)
    only_create_approvals(namespace, "mallory")
    mallorys = approval(model, "mallory", groups=[MANAGERS])
    apply(mallorys, namespace, as_user="mallory", as_groups=[MANAGERS])

    def ignored():
        records = release_status(model, namespace).get("approvals", [])
        return records if any(r["approvedBy"] == "mallory" and not r.get("accepted") for r in records) else None
    records = wait_for("mallory's approval ignored with a reason", ignored)
    record = next(r for r in records if r["approvedBy"] == "mallory")
    assert "approve" in record["message"], record
    events = kubectl("get", "events", "-n", namespace, "--field-selector", "reason=ApprovalIgnored", "-o", "name").stdout
    assert events.strip(), "an ApprovalIgnored event"
    time.sleep(3)
    status = release_status(model, namespace)
    assert status["phase"] == "AwaitingApproval" and status["canaryWeight"] == 50, status
    assert "aviary.decision" not in version_tags(model, 2)
    answer = get("releaseapproval", mallorys["metadata"]["name"], namespace)["status"]
    assert answer["phase"] == "Ignored" and "approve" in answer["message"], answer


def test_a_release_manager_approval_promotes_and_is_recorded_in_mlflow(namespace, operator):
    model = "appr-" + uuid.uuid4().hex[:6]
    register(model, [1, 2])
    grant(namespace, "aviary-release-manager", "managers", group=MANAGERS)
    awaiting_approval(model, namespace)
    alices = approval(model, "alice", groups=[MANAGERS])
    apply(alices, namespace, as_user="alice", as_groups=[MANAGERS])
    status = wait_phase(model, namespace, "Promoted")
    assert get("releaseapproval", alices["metadata"]["name"], namespace)["status"]["phase"] == "Accepted"
    assert status["stableVersion"] == "2"
    accepted = [r for r in status["approvals"] if r["approvedBy"] == "alice"]
    assert accepted and accepted[0]["accepted"] and accepted[0]["decision"] == "approve", status["approvals"]
    wait_for("champion moved to version 2", lambda: alias(model, "champion") == "2")
    tags = wait_for("approval tags", lambda: (lambda t: t if t.get("aviary.approved_by") else None)(version_tags(model, 2)))
    assert tags["aviary.approved_by"] == "alice" and tags["aviary.decision"] == "approve", tags
    assert tags["aviary.approved_at"] == accepted[0]["time"], (tags, accepted[0])


def test_a_rejection_rolls_back_and_is_recorded(namespace, operator):
    model = "appr-" + uuid.uuid4().hex[:6]
    register(model, [1, 2])
    grant(namespace, "aviary-release-manager", "managers", group=MANAGERS)
    awaiting_approval(model, namespace)
    apply(approval(model, "alice", groups=[MANAGERS], decision="reject"), namespace, as_user="alice", as_groups=[MANAGERS])
    status = wait_phase(model, namespace, "RolledBack")
    assert status["stableVersion"] == "1"
    tags = wait_for("rejection tags", lambda: (lambda t: t if t.get("aviary.decision") else None)(version_tags(model, 2)))
    assert tags["aviary.decision"] == "reject" and tags["aviary.approved_by"] == "alice", tags
