"""The model registry end to end: MLflow (real, from hack/cluster.sh) gates the rollout of an unknown
version and receives the audit trail of a promotion and a rollback."""
import json
import os
import uuid

from harness import apply, release_status, wait_for, wait_phase
from mlflow_api import Mlflow
from test_canary import release, request

MLFLOW = os.environ.get("AVIARY_MLFLOW_URL", "http://127.0.0.1:5000")
registry = Mlflow(MLFLOW)
register, version_tags, alias = registry.register, registry.version_tags, registry.alias


def registered_release(model, version, steps, url=MLFLOW):
    r = release(model, version, steps, registry={"mlflow": {"url": url}})
    r["spec"]["model"]["name"] = model
    return r


PAUSED_CANARY = [{"setWeight": 50}, {"pause": {}}, {"setWeight": 100}]


def paused_at_version_2(namespace, mlflow):
    """A registered model whose release promoted version 1 and now pauses version 2 at 50%."""
    model = "reg-" + uuid.uuid4().hex[:6]
    mlflow.register(model, [1, 2])
    apply(registered_release(model, 1, PAUSED_CANARY, url=mlflow.url), namespace)
    wait_phase(model, namespace, "Promoted")
    wait_for("champion on version 1", lambda: mlflow.alias(model, "champion") == "1")
    apply(registered_release(model, 2, PAUSED_CANARY, url=mlflow.url), namespace)
    wait_phase(model, namespace, "Paused")
    wait_for("challenger alias on version 2", lambda: mlflow.alias(model, "challenger") == "2")
    return model


def test_promotion_is_recorded_in_mlflow(namespace, operator):
    model = paused_at_version_2(namespace, registry)
    request(namespace, model, "promote", "p1")
    wait_phase(model, namespace, "Promoted")
    wait_for("champion moved to version 2", lambda: alias(model, "champion") == "2")
    tags = wait_for("promotion tags", lambda: (lambda t: t if t.get("aviary.outcome") else None)(version_tags(model, 2)))
    assert tags["aviary.release"].endswith(model) and tags["aviary.outcome"] == "promoted", tags
    assert alias(model, "challenger") is None
    assert not release_status(model, namespace).get("registrySync"), "outbox drained"


def test_a_version_missing_from_the_registry_blocks_the_rollout(namespace, operator):
    model = "reg-" + uuid.uuid4().hex[:6]
    register(model, [1])
    steps = [{"setWeight": 100}]
    apply(registered_release(model, 1, steps), namespace)
    wait_phase(model, namespace, "Promoted")
    apply(registered_release(model, 7, steps), namespace)

    def blocked():
        s = release_status(model, namespace)
        text = json.dumps(s.get("conditions", [])) + s.get("message", "")
        return s if "7" in text and ("not found" in text.lower() or "registry" in text.lower()) else None
    status = wait_for("a message about version 7 missing from the registry", blocked, timeout=30)
    assert status["stableVersion"] == "1" and not status.get("canaryVersion"), status


def test_rollback_is_recorded_in_mlflow(namespace, operator):
    model = paused_at_version_2(namespace, registry)
    request(namespace, model, "abort", "a1")
    wait_phase(model, namespace, "RolledBack")
    tags = wait_for("rollback tags", lambda: (lambda t: t if t.get("aviary.outcome") else None)(version_tags(model, 2)))
    assert tags["aviary.outcome"] == "rolledBack", tags
    wait_for("challenger alias removed", lambda: alias(model, "challenger") is None)
    assert alias(model, "champion") == "1"
