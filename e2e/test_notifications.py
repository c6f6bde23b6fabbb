"""Notifications end to end: a release walks to Promoted while a webhook receiver on loopback collects
what the operator posts (its own spec.notifications, one read from a Secret, and the operator-wide
--notify-url); a webhook that always fails neither blocks nor delays the rollout and shows up in
aviary_notifications_total; a restarted operator does not announce again what was already announced.
The operator's log is checked on the way: JSON lines, reconcile context, no webhook URL."""
import base64
import json
import threading
import time

import pytest

from harness import LoopbackHttpServer, Operator, QuietHandler, apply, kubectl, wait_for, wait_phase
from test_canary import release, request

SECRET_PATH = "/services/T000/B000/s3cr3t-token"


class Receiver(LoopbackHttpServer):
    """Webhooks on 127.0.0.1: POSTs to /fail get a 500, every other path a 200; all are recorded."""

    def __init__(self):
        self.received = []  # (path, parsed body), in arrival order
        self.lock = threading.Lock()
        receiver = self

        class Handler(QuietHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    receiver.received.append((self.path, json.loads(body)))
                self.send_response(500 if self.path == "/fail" else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        super().__init__(Handler)

    def bodies(self, path):
        with self.lock:
            return [body for p, body in self.received if p == path]


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def start_operator(namespace, receiver):
    return Operator(f"--notify-url={receiver.url}/everything", "--notify-format=slack", "--log-level=debug",
                    namespace=namespace)


def counter(metrics_text, format_, result):
    prefix = 'aviary_notifications_total{format="%s",result="%s"} ' % (format_, result)
    for line in metrics_text.splitlines():
        if line.startswith(prefix):
            return float(line[len(prefix):])
    return 0.0


def test_phase_changes_reach_every_webhook_and_a_failing_one_blocks_nothing(namespace, receiver):
    secret = base64.b64encode((receiver.url + SECRET_PATH + "\n").encode()).decode()
    apply({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "team-hook"}, "data": {"url": secret}}, namespace)
    notifications = [{"name": "audit", "url": receiver.url + "/audit"},
                     {"name": "broken", "url": receiver.url + "/fail"},
                     {"name": "team", "format": "slack", "urlSecretRef": {"name": "team-hook", "key": "url"}}]
    steps = [{"setWeight": 25}, {"pause": {}}, {"setWeight": 100}]
    op = start_operator(namespace, receiver)
    try:
        apply(release("ranker", 1, steps, notifications=notifications), namespace)
        wait_phase("ranker", namespace, "Promoted")
        apply(release("ranker", 2, steps, notifications=notifications), namespace)
        wait_phase("ranker", namespace, "Paused", timeout=60)
        request(namespace, "ranker", "promote", "p1")
        # The broken webhook is retried for ~15 s per notification; the rollout must not wait for it.
        status = wait_phase("ranker", namespace, "Promoted", timeout=30)
        assert status["stableVersion"] == "2"

        audit = wait_for("the promotion of version 2 posted",
                         lambda: (lambda b: b if b and b[-1]["phase"] == "Promoted" and b[-1]["version"] == "2" else None)(
                             receiver.bodies("/audit")), timeout=15)
        # generic: the documented fields, one post per phase change, a chain without gaps or repeats
        for body in audit:
            assert set(body) >= {"release", "namespace", "phase", "previousPhase", "stableVersion", "canaryVersion",
                                 "weight", "message", "time"}, body
            assert body["release"] == "ranker" and body["namespace"] == namespace
        phases = [b["phase"] for b in audit]
        assert phases[0] == "Promoted" and audit[0]["version"] == "1", phases
        assert "Paused" in phases, phases
        for before, after in zip(audit, audit[1:]):
            assert after["previousPhase"] == before["phase"], phases
        paused = next(b for b in audit if b["phase"] == "Paused")
        assert paused["canaryVersion"] == "2" and paused["weight"] == 25, paused

        # slack, from the Secret's URL and from --notify-url: same changes, Slack's shape
        for path in (SECRET_PATH, "/everything"):
            slack = wait_for(f"{path} got every change", lambda: (lambda b: b if len(b) == len(audit) else None)(
                receiver.bodies(path)), timeout=15)
            assert all("text" in b and "attachments" in b for b in slack), slack
            assert "ranker" in slack[-1]["text"] and "promoted" in slack[-1]["text"], slack[-1]

        wait_for("the broken webhook counted", lambda: counter(op.metrics(), "generic", "retried") >= 1, timeout=15)
        assert receiver.bodies("/fail"), "the broken webhook was tried"
        wait_for("every generic post counted", lambda: counter(op.metrics(), "generic", "sent") >= len(audit), timeout=5)

        log = open(op.log.name, errors="replace").read()
        lines = [json.loads(line) for line in log.splitlines() if line.strip()]
        assert all({"ts", "level", "msg"} <= set(line) for line in lines)
        changes = [line for line in lines if line["msg"] == "phase changed"]
        assert len(changes) == len(audit)
        assert all(line["release"] == f"{namespace}/ranker" and line["reconcile_id"] and line["phase"] for line in changes)
        assert len({line["reconcile_id"] for line in changes}) == len(changes), "one reconcile pass each"
        assert "s3cr3t" not in log, "a webhook URL from a Secret must never be logged"
        assert any(line["msg"].startswith("notification not delivered") and line.get("notification") == "broken"
                   for line in lines)
    finally:
        op.stop()

    # A restarted operator reconciles the Promoted release and finds nothing changed: nothing is posted.
    posted = len(receiver.received)
    op = start_operator(namespace, receiver)
    try:
        wait_for("the new operator reconciled ranker",
                 lambda: 'release="ranker"' in op.metrics() and 'aviary_release_phase{' in op.metrics(), timeout=30)
        request(namespace, "ranker", "promote", "p2")  # a request that changes no phase: one more pass
        wait_for("the request handled", lambda: kubectl("get", "modelrelease", "ranker", "-n", namespace, "-o",
                                                        "jsonpath={.status.lastHandledRequest}").stdout == "p2",
                 timeout=30)
        time.sleep(1)  # a notification is posted within milliseconds of its status write: give it a second
        assert [p for p, _ in receiver.received[posted:] if p != "/fail"] == [], receiver.received[posted:]
    finally:
        op.stop()
