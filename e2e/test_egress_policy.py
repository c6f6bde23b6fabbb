"""Server-side request forgery through a webhook gate or a notification (docs/security.md): a ModelRelease
whose webhook gate points at the cloud metadata address, at the API server, or (with loopback denied) at a
loopback port where a listener waits is measured as Error naming the egress policy, never promoted, and no
request reaches the listener. The operator's own configuration of the policy is the flags it starts with."""
import json
import threading
import time

import pytest

from harness import (LoopbackHttpServer, Operator, QuietHandler, apply, kubectl, release_status, wait_for,
                     wait_phase)
from test_canary import release


class Listener(LoopbackHttpServer):
    """Answers 0.01 to anything and records every request line: it must record none."""

    def __init__(self):
        self.requests = []
        self.lock = threading.Lock()
        listener = self

        class Handler(QuietHandler):
            def answer(self):
                with listener.lock:
                    listener.requests.append(self.requestline)
                body = b"0.01"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = answer
            do_POST = answer

        super().__init__(Handler)

    def received(self):
        with self.lock:
            return list(self.requests)


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


def api_server_url():
    return kubectl("config", "view", "--minify", "-o", "jsonpath={.clusters[0].cluster.server}").stdout.strip()


def gated(version, url, notify_url=None):
    gate = {"name": "quality", "webhook": {"url": url, "timeout": "2s"}, "threshold": {"max": 0.1},
            "count": 2, "consecutiveErrorLimit": 1}
    steps = [{"setWeight": 50}, {"analysis": {"gates": ["quality"]}}, {"setWeight": 100}]
    r = release("probe", version, steps, replicas=2, analysis={"interval": "1s", "gates": [gate]})
    if notify_url:
        r["spec"]["notifications"] = [{"name": "hook", "url": notify_url}]
    return r


def gate_error(namespace):
    def errored():
        s = release_status("probe", namespace)
        gate = next((g for g in s.get("gates", []) if g["name"] == "quality"), None)
        return s if gate and gate.get("verdict") == "Error" and gate.get("measurements") else None
    status = wait_for("the quality gate ending as Error", errored, timeout=40)
    gate = next(g for g in status["gates"] if g["name"] == "quality")
    assert gate.get("successes", 0) == 0, gate
    return status, gate["measurements"][-1].get("detail", "")


def assert_never_promoted(namespace, seconds=3):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        s = release_status("probe", namespace)
        assert s.get("stableVersion") == "1" and s.get("phase") != "Promoted", s
        time.sleep(0.5)


def start_at(namespace, url, notify_url=None):
    apply(gated(1, url), namespace)
    wait_phase("probe", namespace, "Promoted")
    apply(gated(2, url, notify_url), namespace)


@pytest.mark.parametrize("target,reason", [
    ("http://169.254.169.254/latest/meta-data/iam/security-credentials/", "link-local"),
    ("http://[::ffff:169.254.169.254]/latest/meta-data/", "link-local"),
    ("api-server", "the API server"),
])
def test_a_gate_at_a_denied_address_is_an_error_naming_the_policy(namespace, operator, target, reason):
    url = api_server_url() + "/api/v1/namespaces/kube-system/secrets" if target == "api-server" else target
    start_at(namespace, url)
    status, detail = gate_error(namespace)
    assert detail.startswith("egress policy denies") and reason in detail, detail
    assert_never_promoted(namespace)


def test_loopback_denied_refuses_a_listening_port_and_notifications(namespace, listener):
    op = Operator("--egress-loopback=deny", namespace=namespace)
    try:
        start_at(namespace, listener.url + "/score", notify_url=listener.url + "/hook")
        status, detail = gate_error(namespace)
        assert detail.startswith("egress policy denies 127.0.0.1") and "loopback" in detail, detail
        assert_never_promoted(namespace)
        wait_for("the refused notification in the log",
                 lambda: "egress policy denies 127.0.0.1" in open(op.log.name, errors="replace").read()
                 and "notification not delivered; giving up" in open(op.log.name, errors="replace").read(),
                 timeout=20)
        assert listener.received() == [], listener.received()
    finally:
        op.stop()


def test_loopback_allowed_on_a_loopback_cluster_reaches_the_listener(namespace, operator, listener):
    """The control: the same gate, with the default policy on this loopback cluster, is measured."""
    start_at(namespace, listener.url + "/score")
    wait_for("a measurement from the listener", lambda: listener.received(), timeout=40)
    assert all(line.startswith("GET /score") for line in listener.received())
