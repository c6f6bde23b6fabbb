"""A ReleaseApproval is judged once, in the rollout it was made for (docs/approvals.md: "A
ReleaseApproval is immutable"). Found by the soak (bench/soak.py, approval rollouts): a new rollout
clears status.approvals (src/release/lifecycle.cc startRollout), so the intake
(src/controller/approval_intake.cc, alreadyJudged) judges every earlier rollout's ReleaseApproval
again, as "not waiting for an approval (phase Progressing)", and rewrites the object's status from
Accepted to Ignored: the audit trail then says the approval that promoted version 2 was ignored."""
import uuid


from harness import apply, get, release_status, wait_for, wait_phase
from test_approvals import MANAGERS, STEPS, approval, awaiting_approval, grant
from test_registry import register, registered_release


def test_an_accepted_approval_stays_accepted_when_the_next_rollout_starts(namespace, operator):
    model = "hist-" + uuid.uuid4().hex[:6]
    register(model, [1, 2, 3])
    grant(namespace, "aviary-release-manager", "managers", group=MANAGERS)
    awaiting_approval(model, namespace)
    first = approval(model, "alice", groups=[MANAGERS])
    apply(first, namespace, as_user="alice", as_groups=[MANAGERS])
    wait_phase(model, namespace, "Promoted")
    name = first["metadata"]["name"]
    assert get("releaseapproval", name, namespace)["status"]["phase"] == "Accepted"

    apply(registered_release(model, 3, STEPS), namespace)
    status = wait_phase(model, namespace, "AwaitingApproval")
    assert status["canaryVersion"] == "3", status
    answer = get("releaseapproval", name, namespace)["status"]
    rejudged = [r for r in release_status(model, namespace).get("approvals", []) if r["name"] == name]
    assert answer["phase"] == "Accepted" and not rejudged, (
        f"version 2's approval judged again in version 3's rollout: object status {answer}, records {rejudged}")

    # And it does not approve version 3: only a new decision does.
    second = approval(model, "alice", groups=[MANAGERS], decision="reject")
    apply(second, namespace, as_user="alice", as_groups=[MANAGERS])
    wait_for("version 3 rejected", lambda: release_status(model, namespace).get("phase") == "RolledBack")
    assert release_status(model, namespace)["stableVersion"] == "2"
