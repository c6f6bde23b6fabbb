"""A webhook metric gate against an authenticated endpoint, end to end. The test serves the metric itself:
an HTTP server on 127.0.0.1 answers a JSON number only to the bearer token it expects and 401 otherwise.
The gate reads its token from a Secret in the release's namespace (webhook.bearerTokenSecret). With the
right token the canary is measured and promoted; with a wrong one every measurement is an Error, and an
Error never promotes: the release keeps waiting at its analysis step (docs/gates.md, docs/planner.md).
Neither token may show up in the release's status, its Events or the operator's log."""
import base64
import json
import threading
import time

import pytest

from harness import (LoopbackHttpServer, QuietHandler, apply, kubectl, release_status, wait_for, wait_outcome,
                     wait_phase)
from test_canary import release

GOOD_TOKEN = "e2e-good-token-7f3a9c2b"
WRONG_TOKEN = "e2e-wrong-token-41b2d8e6"


class ScoreEndpoint(LoopbackHttpServer):
    """GET /score on 127.0.0.1 → 0.02 as a JSON number for "Authorization: Bearer GOOD_TOKEN"; for any other
    header a 401 whose body quotes the header it rejected, as careless servers do (the operator must not
    repeat it). Records every Authorization header it receives."""

    def __init__(self):
        self.authorizations = []
        self.lock = threading.Lock()
        endpoint = self

        class Handler(QuietHandler):
            def do_GET(self):
                presented = self.headers.get("Authorization", "")
                with endpoint.lock:
                    endpoint.authorizations.append(presented)
                ok = presented == "Bearer " + GOOD_TOKEN
                body = b"0.02" if ok else json.dumps({"error": "not authorized: " + presented}).encode()
                self.send_response(200 if ok else 401)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        super().__init__(Handler)

    def received(self):
        with self.lock:
            return list(self.authorizations)


@pytest.fixture
def endpoint():
    e = ScoreEndpoint()
    yield e
    e.close()


def token_secret(token):
    return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "score-token"},
            "data": {"token": base64.b64encode(token.encode()).decode()}}


def gated_release(version, endpoint):
    gate = {"name": "quality",
            "webhook": {"url": endpoint.url + "/score?version={{version}}", "timeout": "2s",
                        "bearerTokenSecret": {"name": "score-token", "key": "token"}},
            "threshold": {"max": 0.1},
            "count": 2,
            "consecutiveErrorLimit": 1}
    steps = [{"setWeight": 50}, {"analysis": {"gates": ["quality"]}}, {"setWeight": 100}]
    return release("scorer", version, steps, replicas=2, analysis={"interval": "1s", "gates": [gate]})


def quality_gate(status):
    return next((g for g in status.get("gates", []) if g["name"] == "quality"), None)


def assert_tokens_nowhere(namespace, operator):
    status = json.dumps(release_status("scorer", namespace))
    events = kubectl("get", "events", "-n", namespace, "-o", "json").stdout
    log = open(operator.log.name, errors="replace").read()
    for token in (GOOD_TOKEN, WRONG_TOKEN):
        assert token not in status, f"a token in status: {status}"
        assert token not in events, "a token in an Event"
        assert token not in log, "a token in the operator's log"


def test_the_gate_authenticates_with_the_secrets_token_and_promotes(namespace, operator, endpoint):
    apply(token_secret(GOOD_TOKEN), namespace)
    apply(gated_release(1, endpoint), namespace)
    wait_phase("scorer", namespace, "Promoted")
    apply(gated_release(2, endpoint), namespace)
    status = wait_outcome("scorer", namespace, 2, timeout=45)
    assert status["phase"] == "Promoted" and status["stableVersion"] == "2", status
    gate = quality_gate(status)
    assert gate and gate["verdict"] == "Pass" and gate["successes"] >= 2, gate
    assert gate["measurements"][-1]["value"] == 0.02, gate
    assert set(endpoint.received()) == {"Bearer " + GOOD_TOKEN}, "every query carried the Secret's token"
    assert_tokens_nowhere(namespace, operator)


def test_a_rejected_token_is_an_error_that_never_promotes(namespace, operator, endpoint):
    apply(token_secret(WRONG_TOKEN), namespace)
    apply(gated_release(1, endpoint), namespace)
    wait_phase("scorer", namespace, "Promoted")
    apply(gated_release(2, endpoint), namespace)

    def errored():  # consecutiveErrorLimit (1) exceeded: the gate has ended as Error
        s = release_status("scorer", namespace)
        gate = quality_gate(s)
        return s if gate and gate.get("verdict") == "Error" and gate.get("consecutiveErrors", 0) > 1 else None
    status = wait_for("the quality gate ending as Error", errored, timeout=40)
    assert quality_gate(status).get("successes", 0) == 0, status
    detail = quality_gate(status)["measurements"][-1]["detail"]
    assert "HTTP 401" in detail and "[redacted]" in detail, detail
    assert "Bearer " + WRONG_TOKEN in endpoint.received(), "the operator sent the Secret's (wrong) token"

    # An Error is no evidence the version is good: the release waits at the analysis step, with traffic
    # split as the step before left it, and is neither promoted nor rolled back.
    deadline = time.monotonic() + 4
    while time.monotonic() < deadline:
        s = release_status("scorer", namespace)
        assert s.get("phase") == "Progressing" and s.get("stableVersion") == "1", s
        assert s.get("canaryVersion") == "2" and s.get("canaryWeight") == 50, s
        time.sleep(0.5)
    assert "cannot measure" in release_status("scorer", namespace).get("message", "")
    assert_tokens_nowhere(namespace, operator)
