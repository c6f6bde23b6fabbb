"""The model registry end to end: MLflow (real, from hack/cluster.sh) gates the rollout of an unknown
version and receives the audit trail of a promotion and a rollback."""
import json
import os
import urllib.error
import urllib.parse
import urllib.request
import uuid

from harness import apply, release_status, wait_for, wait_phase
from test_canary import release, request

MLFLOW = os.environ.get("AVIARY_MLFLOW_URL", "http://127.0.0.1:5000")


def mlflow(method, path, body=None, **query):
    url = f"{MLFLOW}/api/2.0/mlflow/{path}"
    if query:
        url += "?" + urllib.parse.urlencode(query)
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        return json.loads(e.read() or b"{}")


def register(model, versions):
    mlflow("POST", "registered-models/create", {"name": model})
    for v in versions:
        mlflow("POST", "model-versions/create", {"name": model, "source": f"s3://models/{model}/{v}"})


def version_tags(model, version):
    mv = mlflow("GET", "model-versions/get", name=model, version=str(version)).get("model_version", {})
    return {t["key"]: t["value"] for t in mv.get("tags", [])}


def alias(model, name):
    return mlflow("GET", "registered-models/alias", name=model, alias=name).get("model_version", {}).get("version")


def registered_release(model, version, steps):
    r = release(model, version, steps, registry={"mlflow": {"url": MLFLOW}})
    r["spec"]["model"]["name"] = model
    return r


def test_promotion_is_recorded_in_mlflow(namespace, operator):
    model = "reg-" + uuid.uuid4().hex[:6]
    register(model, [1, 2])
    steps = [{"setWeight": 50}, {"pause": {}}, {"setWeight": 100}]
    apply(registered_release(model, 1, steps), namespace)
    wait_phase(model, namespace, "Promoted")
    apply(registered_release(model, 2, steps), namespace)
    wait_phase(model, namespace, "Paused")
    wait_for("challenger alias on version 2", lambda: alias(model, "challenger") == "2")
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
