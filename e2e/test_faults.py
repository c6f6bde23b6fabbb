"""The invariants of docs/guarantees.md under injected faults, one fault class per test: a fault proxy
(tests/faults/fault_proxy.py) sits between the operator and Prometheus, MLflow or kube-apiserver, and
the invariant checker (tests/faults/invariants.py) reads the outcome from the API server and MLflow."""
import os
import signal
import sys
import tempfile
import time

import pytest

from harness import (Operator, apply, kubectl, release_status, set_behaviour, wait_for, wait_phase)
from mlflow_api import PrivateMlflow
from test_canary import http_route, release, request, route_weights
from test_gates import error_rate_gate

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "faults"))
from fault_proxy import FaultProxy  # noqa: E402
from invariants import Watcher, registry_records, rollback_complete  # noqa: E402

PROMETHEUS_PORT = int(os.environ.get("AVIARY_PROMETHEUS_URL", "http://127.0.0.1:9090").rsplit(":", 1)[1].strip("/"))


@pytest.fixture
def proxies():
    made = []

    def make(port):
        p = FaultProxy(port)
        made.append(p)
        return p
    yield make
    for p in made:
        p.close()


def watch_for(watcher, namespace, seconds, until=None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        watcher.observe(namespace)
        if until and until():
            return True
        time.sleep(0.5)
    return False


def test_prometheus_answering_garbage_never_promotes(namespace, operator, proxies):
    """I1: every answer from 'Prometheus' is malformed, a 5xx, a reset or too slow: the gate can only
    measure Error, and an Error never promotes, however long it goes on."""
    prom = proxies(PROMETHEUS_PORT)
    prom.set("mix", kinds=["garbage", "status", "reset", "latency"], statuses=[500, 503, 429], delay=6)
    gate = error_rate_gate()
    gate["prometheus"]["address"] = prom.url
    gate["initialDelay"] = "0s"
    steps = [{"setWeight": 50}, {"analysis": {"gates": ["error-rate"]}}, {"setWeight": 100}]
    spec = lambda v: release("garble", v, steps, {"gatewayAPI": {"httpRoute": "garble"}},  # noqa: E731
                             analysis={"interval": "1s", "gates": [gate]})
    apply(http_route("garble", ["garble-stable"]), namespace)
    apply(spec(1), namespace)
    wait_phase("garble", namespace, "Promoted")
    apply(spec(2), namespace)
    watcher = Watcher()
    watch_for(watcher, namespace, 25)
    s = release_status("garble", namespace)
    assert s.get("stableVersion") == "1" and s.get("phase") != "Promoted", s
    assert route_weights(namespace, "garble").get("garble-canary", 0) <= 50
    gate_status = next(g for g in s.get("gates", []) if g["name"] == "error-rate")
    assert gate_status.get("successes", 0) == 0 and gate_status.get("verdict") in ("Error", "Inconclusive", None), gate_status
    assert sum(prom.counts().values()) >= 3, prom.counts()
    assert watcher.violations == [], watcher.violations


def api_server():
    return kubectl("config", "view", "--minify", "-o", "jsonpath={.clusters[0].cluster.server}").stdout.strip()


def kubeconfig_through(proxy):
    """A copy of the test kubeconfig whose server is the proxy (TLS passes through it untouched)."""
    text = open(os.environ["KUBECONFIG"]).read()
    f = tempfile.NamedTemporaryFile("w", suffix=".kubeconfig", delete=False)
    f.write(text.replace(api_server(), "https://127.0.0.1:%d" % proxy.port))
    f.close()
    return f.name


def test_rollback_through_a_resetting_api_server_ends_all_stable(namespace, proxies):
    """I2: connections to kube-apiserver are reset, cut mid-stream (watches included) and delayed while
    the operator rolls a canary back; the rollback still ends with 100% on stable and no canary route."""
    api = proxies(int(api_server().rsplit(":", 1)[1]))
    path = kubeconfig_through(api)
    op = Operator(f"--kubeconfig={path}", namespace=namespace)
    try:
        steps = [{"setWeight": 50}, {"pause": {}}, {"setWeight": 100}]
        routing = {"gatewayAPI": {"httpRoute": "fraud"}}
        apply(http_route("fraud", ["fraud-stable"]), namespace)
        apply(release("fraud", 1, steps, routing), namespace)
        wait_phase("fraud", namespace, "Promoted")
        apply(release("fraud", 2, steps, routing), namespace)
        wait_phase("fraud", namespace, "Paused")
        assert route_weights(namespace, "fraud") == {"fraud-stable": 50, "fraud-canary": 50}

        # New connections: reset, cut or delayed; open ones (the watches, kept-alive requests): cut
        # every second.
        api.set("mix", kinds=["reset", "cut", "latency"], probability=0.7, after=0.4, delay=1.5)
        chaos = Repeating(1.0, api.cut_open)
        time.sleep(3)  # the operator's watches are down and re-establishing when the abort arrives
        request(namespace, "fraud", "abort", "a1")
        done = wait_for_phase_quietly(namespace, "fraud", "RolledBack", 60)
        chaos.stop()
        fired = api.counts()
        api.clear()
        if not done:
            wait_phase("fraud", namespace, "RolledBack", timeout=90)
        assert sum(fired.values()) >= 3, fired
        assert rollback_complete(namespace, "fraud", route="fraud") == []
        assert route_weights(namespace, "fraud") in ({"fraud-stable": 100, "fraud-canary": 0}, {"fraud-stable": 100})
        time.sleep(3)  # and it stays so once the operator is back in touch
        assert rollback_complete(namespace, "fraud", route="fraud") == []
        assert op.proc.poll() is None, op.tail()
    finally:
        op.stop()
        os.unlink(path)


class Repeating:
    def __init__(self, every, action):
        import threading
        self.stopped = threading.Event()

        def loop():
            while not self.stopped.wait(every):
                action()
        threading.Thread(target=loop, daemon=True).start()

    def stop(self):
        self.stopped.set()


def wait_for_phase_quietly(namespace, name, phase, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if release_status(name, namespace).get("phase") == phase:
            return True
        time.sleep(0.5)
    return False


@pytest.fixture
def private_mlflow():
    server = PrivateMlflow()
    yield server
    server.stop()


def test_registry_faults_lose_and_repeat_no_record(namespace, operator, private_mlflow, proxies):
    """I3: MLflow behind a proxy answering 429/500/503, resetting and stalling half the connections
    before they reach it: the promotion's record arrives, and exactly one alias write reaches MLflow."""
    from test_registry import PAUSED_CANARY, registered_release
    mlflow = private_mlflow
    front = proxies(mlflow.port)
    model = "flaky-" + namespace[-6:]
    mlflow.register(model, [1, 2])
    apply(registered_release(model, 1, PAUSED_CANARY, url=front.url), namespace)
    wait_phase(model, namespace, "Promoted")
    wait_for("champion on version 1", lambda: mlflow.alias(model, "champion") == "1", timeout=60)
    apply(registered_release(model, 2, PAUSED_CANARY, url=front.url), namespace)
    wait_for("challenger alias on version 2", lambda: mlflow.alias(model, "challenger") == "2", timeout=60)
    # A promote sent before the pause is reached is ignored ("nothing waits for promotion"): on a
    # loaded machine the canary's pods take a while, and the challenger alias is written at the start.
    wait_phase(model, namespace, "Paused")

    aliases_before = mlflow.requests("POST", "registered-models/alias")
    front.set("mix", kinds=["status", "reset", "latency"], statuses=[429, 500, 503], delay=6, probability=0.8)
    request(namespace, model, "promote", "p1")
    wait_phase(model, namespace, "Promoted")
    time.sleep(15)  # the outbox meets the faults for a while (its retries back off, up to minutes) ...
    front.clear()  # ... then they stop, and the record must arrive, once
    wait_for("champion moved to version 2 after the faults",
             lambda: mlflow.alias(model, "champion") == "2", timeout=240)
    wait_for("outbox drained", lambda: not release_status(model, namespace).get("registrySync"), timeout=60)
    lost, violations = registry_records(mlflow, model, {"2": "promoted"})
    assert lost == 0, violations
    assert sum(front.counts().values()) >= 1, front.counts()
    time.sleep(5)
    assert mlflow.requests("POST", "registered-models/alias") - aliases_before == 1


def flow_counter(user):
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
    from api_requests import RequestCounter, writes  # noqa: F401
    from kube import Kube
    return RequestCounter, writes, Kube


def test_a_deposed_leader_writes_nothing_after_the_new_leader_starts(namespace):
    """I5: two replicas with leader election; the leader is SIGSTOPped past its lease, the standby takes
    over and writes; the old leader is resumed (SIGCONT). Each replica runs as a user of its own and the
    API server counts each user's writes (one FlowSchema each, as bench/ does): after the new leader's
    first write, the deposed leader's count never moves."""
    users = []
    for who in ("a", "b"):
        # Not system:masters: its requests are exempt from API Priority and Fairness, so uncounted.
        name = f"aviary-leader-{who}-{namespace}"
        users.append((name, subprocess_out([os.path.join(ROOT, "hack", "cluster.sh"), "user", name])))
        kubectl("create", "clusterrolebinding", name, "--clusterrole=cluster-admin", f"--user={name}")
    RequestCounter, writes, Kube = flow_counter(users[0][0])
    kube = Kube()
    # The replicas' writes to anything but their Lease, and to the Lease apart: a deposed replica's
    # renew attempt carries the resourceVersion it read, so the API server refuses it (409).
    write_verbs = ["create", "update", "patch", "delete", "deletecollection"]
    kinds = [("lease", write_verbs, [("coordination.k8s.io", ["leases"])]),
             ("objects", write_verbs, [("*", ["*"])]),
             ("reads", ["get", "list", "watch"], [("*", ["*"])])]
    counters = [RequestCounter(kube, user, f"{namespace}-{i}", kinds) for i, (user, _) in enumerate(users)]
    writes = lambda counts: counts["objects"]  # noqa: E731
    for c in counters:
        c.install()
    lease = ["--leader-elect", f"--leader-election-namespace={namespace}", "--leader-election-id=leader-test",
             "--lease-duration=4s", "--renew-deadline=3s", "--retry-period=1s"]
    first = second = None
    try:
        first = Operator(f"--kubeconfig={users[0][1]}", *lease, namespace=namespace)
        wait_for("replica a leads", lambda: holder(namespace) is not None, timeout=30)
        second = Operator(f"--kubeconfig={users[1][1]}", *lease, namespace=namespace)
        leader, standby = (first, second)
        lc, sc = counters[0], counters[1]
        apply(release("lead", 1, [{"setWeight": 50}, {"pause": {"duration": "2s"}}, {"setWeight": 100}]), namespace)
        wait_phase("lead", namespace, "Promoted")
        assert writes(lc.read()) > 0 and writes(sc.read()) == 0, (lc.read(), sc.read())

        leader.send(signal.SIGSTOP)
        stopped_at = writes(lc.read())
        # Work for the new leader to do: a new version to roll.
        apply(release("lead", 2, [{"setWeight": 50}, {"pause": {"duration": "2s"}}, {"setWeight": 100}]), namespace)
        wait_for("the standby's first write", lambda: writes(sc.read()) > 0, timeout=30)
        at_takeover_kinds = lc.read()
        deposed_at_takeover = writes(at_takeover_kinds)
        assert deposed_at_takeover == stopped_at, "the stopped leader wrote while stopped"
        leader.send(signal.SIGCONT)
        wait_phase("lead", namespace, "Promoted", timeout=60)
        time.sleep(6)  # the resumed replica's renew deadline, retry period and in-flight work, passed
        print("deposed leader's writes by kind at takeover:", at_takeover_kinds, "after:", lc.read())
        assert writes(lc.read()) == deposed_at_takeover, (
            "the deposed leader wrote after the new leader's first write", deposed_at_takeover, lc.read(), leader.tail(14))
        assert release_status("lead", namespace).get("stableVersion") == "2"
        wait_for("the deposed replica exits", lambda: leader.proc.poll() is not None, timeout=30)
    finally:
        for op in (first, second):
            if op:
                op.send(signal.SIGCONT)
                op.stop()
        for c in counters:
            c.uninstall()
        for name, _ in users:
            kubectl("delete", "clusterrolebinding", name, check=False)


ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


def subprocess_out(args):
    import subprocess
    out = subprocess.run(args, capture_output=True, text=True, check=True)
    return out.stdout.strip().splitlines()[-1]


def holder(namespace):
    out = kubectl("get", "lease", "leader-test", "-n", namespace, "-o", "jsonpath={.spec.holderIdentity}", check=False)
    return out.stdout.strip() or None
