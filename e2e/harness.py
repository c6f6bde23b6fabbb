"""Helpers for the end-to-end tests: kubectl against the local cluster, the operator as a process,
the traffic simulator's behaviour API. Standard library only (plus pytest)."""
import json
import os
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def aviary_binary():
    build = os.environ.get("AVIARY_BUILD_DIR", os.path.join(ROOT, "build"))
    return os.path.join(build, "src", "cli", "aviary")


def kubectl(*args, input=None, check=True, as_user=None, as_groups=()):
    cmd = ["kubectl", *args]
    if as_user:
        cmd += [f"--as={as_user}"] + [f"--as-group={g}" for g in as_groups]
    proc = subprocess.run(cmd, input=input, capture_output=True, text=True, timeout=60)
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.strip()}")
    return proc


def apply(manifest, namespace, **kw):
    text = manifest if isinstance(manifest, str) else json.dumps(manifest)
    return kubectl("apply", "-n", namespace, "-f", "-", input=text, **kw)


def get(kind, name, namespace):
    proc = kubectl("get", kind, name, "-n", namespace, "-o", "json", check=False)
    return json.loads(proc.stdout) if proc.returncode == 0 else None


def list_objects(kind, namespace, selector=None):
    args = ["get", kind, "-n", namespace, "-o", "json"]
    if selector:
        args += ["-l", selector]
    return json.loads(kubectl(*args).stdout)["items"]


def wait_for(what, predicate, timeout=60, interval=0.25):
    """Polls predicate() until it returns a truthy value; fails with the last value seen."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}; last: {last!r}")


def release_status(name, namespace):
    obj = get("modelrelease", name, namespace)
    return (obj or {}).get("status", {})


def wait_phase(name, namespace, phases, timeout=90):
    phases = {phases} if isinstance(phases, str) else set(phases)
    seen = {}

    def in_phase():
        seen["status"] = release_status(name, namespace)
        return seen["status"] if seen["status"].get("phase") in phases else None
    try:
        return wait_for(f"{namespace}/{name} phase in {sorted(phases)}", in_phase, timeout)
    except AssertionError as timed_out:
        last = {k: seen.get("status", {}).get(k) for k in ("phase", "message", "currentStep", "canaryWeight")}
        raise AssertionError(f"{timed_out}; status: {last}") from None


def wait_outcome(name, namespace, version, timeout=120):
    """Waits for the rollout of `version` to end: Promoted with it as stable, RolledBack, or Paused on it.
    (Right after an apply the release still shows the previous rollout's Promoted.)"""
    version = str(version)

    def ended():
        s = release_status(name, namespace)
        phase = s.get("phase")
        if phase == "Promoted" and s.get("stableVersion") == version:
            return s
        if phase == "RolledBack" and s.get("rolledBackVersion") == version:
            return s
        if phase == "Paused" and s.get("canaryVersion") == version:
            return s
        return None
    return wait_for(f"{namespace}/{name}: the rollout of version {version} to end", ended, timeout)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serving(proc, url, describe_exit):
    """True once url answers 200; fails at once (with describe_exit()) if proc has died."""
    if proc.poll() is not None:
        raise AssertionError(f"{proc.args[0]} exited with {proc.returncode}:\n{describe_exit()}")
    try:
        with urllib.request.urlopen(url, timeout=1) as r:
            return r.status == 200
    except OSError:
        return False


class Operator:
    """`aviary operator` as a process with the cluster's kubeconfig, as it would run in a pod.
    command/health_port: another whole command line instead (the operator run from its image), serving
    its health endpoints on health_port; it runs in a process group of its own, signalled as a whole."""

    def __init__(self, *extra_args, namespace=None, command=None, health_port=None):
        self.health_port = health_port or free_port()
        self.log = tempfile.NamedTemporaryFile(prefix="aviary-operator-", suffix=".log", delete=False)
        args = command or [aviary_binary(), "operator", f"--health-addr=127.0.0.1:{self.health_port}", *extra_args]
        if namespace:
            args.append(f"--namespace={namespace}")
        self.group = command is not None
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=self.group)
        wait_for("operator ready", self.ready, timeout=30)

    def ready(self):
        return serving(self.proc, f"http://127.0.0.1:{self.health_port}/readyz", lambda: self.tail())

    def metrics(self):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.health_port}/metrics", timeout=2) as r:
            return r.read().decode()

    def tail(self, lines=40):
        with open(self.log.name, errors="replace") as f:
            return "".join(f.readlines()[-lines:])

    def send(self, sig):
        if self.group:
            os.killpg(self.proc.pid, sig)
        else:
            self.proc.send_signal(sig)

    def kill(self):
        if self.proc.poll() is None:
            self.send(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self):
        if self.proc.poll() is None:
            self.send(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler that keeps the test's output free of access-log lines."""

    def log_message(self, *args):
        pass


class LoopbackHttpServer:
    """An HTTP server a test starts for the operator to call: handler_class on 127.0.0.1, an ephemeral
    port, served from a daemon thread. url is its base URL; close() stops it."""

    def __init__(self, handler_class):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler_class)
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def set_behaviour(namespace, release, version, **behaviour):
    url = os.environ["AVIARY_SIMULATOR_URL"].rstrip("/") + "/behaviour"
    body = json.dumps({"namespace": namespace, "release": release, "version": version, **behaviour}).encode()
    req = urllib.request.Request(url, data=body, method="PUT", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=5) as r:
        assert r.status in (200, 204), r.status
