"""An MLflow outage never loses an audit record: a promotion taken while the registry is down is
recorded once it is back, exactly once. The test runs its own MLflow server so stopping it disturbs
no other test."""
import time

import pytest

from harness import release_status, wait_for, wait_phase
from mlflow_api import PrivateMlflow
from test_canary import request
from test_registry import paused_at_version_2


@pytest.fixture
def private_mlflow():
    server = PrivateMlflow()
    yield server
    server.stop()


def test_records_taken_during_an_outage_arrive_once_it_is_back(namespace, operator, private_mlflow):
    mlflow = private_mlflow
    model = paused_at_version_2(namespace, mlflow)

    mlflow.stop()
    request(namespace, model, "promote", "p1")
    # The user asked for the promotion; the registry being down does not hold it back, the record waits.
    wait_phase(model, namespace, "Promoted")

    def pending_with_error():
        records = release_status(model, namespace).get("registrySync", [])
        return records if any(r["event"] == "promoted" and r.get("lastError") for r in records) else None
    pending = wait_for("the promotion record waiting in the outbox with its error", pending_with_error, timeout=60)
    assert [r["version"] for r in pending if r["event"] == "promoted"] == ["2"], pending

    aliases_before = mlflow.requests("POST", "registered-models/alias")
    mlflow.start()
    wait_for("champion moved to version 2 after the outage", lambda: mlflow.alias(model, "champion") == "2", timeout=120)
    tags = mlflow.version_tags(model, 2)
    assert tags.get("aviary.outcome") == "promoted", tags
    wait_for("outbox drained", lambda: not release_status(model, namespace).get("registrySync"), timeout=60)
    assert mlflow.alias(model, "challenger") is None
    # Exactly once: one alias write for the promotion after the restart, and none repeated later.
    assert mlflow.requests("POST", "registered-models/alias") - aliases_before == 1
    time.sleep(5)  # a duplicate would come from the next reconcile or outbox pass, both well within this
    assert mlflow.requests("POST", "registered-models/alias") - aliases_before == 1
