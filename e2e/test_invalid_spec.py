"""A spec the operator cannot run is reported, never acted upon. The CRD schema rejects every rule the
operator checks, so such an object only exists when it was stored behind the schema (under an older,
looser CRD, or written to etcd directly); this test writes one straight into etcd, then starts the
operator on it."""
import base64
import json
import os
import time
import urllib.request
import uuid
from datetime import datetime, timezone

from harness import Operator, apply, get, list_objects, release_status, wait_for, wait_phase
from test_canary import release

ETCD = os.environ.get("AVIARY_ETCD_URL", "http://127.0.0.1:2379")


def etcd_put(key, value):
    body = {"key": base64.b64encode(key.encode()).decode(), "value": base64.b64encode(value.encode()).decode()}
    req = urllib.request.Request(f"{ETCD}/v3/kv/put", data=json.dumps(body).encode(), method="POST")
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.status == 200


def store_behind_the_schema(manifest, namespace):
    manifest = json.loads(json.dumps(manifest))
    name = manifest["metadata"]["name"]
    manifest["metadata"].update(namespace=namespace, uid=str(uuid.uuid4()), generation=1,
                                creationTimestamp=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
    etcd_put(f"/registry/aviary.dev/modelreleases/{namespace}/{name}", json.dumps(manifest))
    wait_for("the API server to serve the stored release", lambda: get("modelrelease", name, namespace))


def test_an_invalid_spec_is_reported_with_its_field_path_and_nothing_is_created(namespace):
    bad = release("bad", 1, [{"setWeight": 50}, {"analysis": {"gates": ["errors"]}}, {"setWeight": 100}])
    bad["spec"]["analysis"] = {"gates": [{"name": "errors", "threshold": {"min": 5, "max": 1},
                                          "prometheus": {"address": "http://127.0.0.1:1", "query": "up"}}]}
    store_behind_the_schema(bad, namespace)
    operator = Operator(namespace=namespace)
    try:
        status = wait_phase("bad", namespace, "Invalid", timeout=30)
        assert "spec.analysis.gates[0].threshold" in status["message"], status
        ready = next(c for c in status["conditions"] if c["type"] == "Ready")
        assert ready["status"] == "False" and ready["reason"] == "InvalidSpec", ready
        time.sleep(2)
        assert not list_objects("deployments", namespace, "aviary.dev/release=bad")
        assert not list_objects("services", namespace, "aviary.dev/release=bad")

        bad["spec"]["analysis"]["gates"][0]["threshold"] = {"max": 1}
        apply(bad, namespace)
        wait_phase("bad", namespace, "Promoted")
        assert release_status("bad", namespace)["stableVersion"] == "1"
    finally:
        operator.stop()
