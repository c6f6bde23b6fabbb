"""Process-level faults of the control plane (docs/guarantees.md): SIGSTOP/SIGCONT and restart of
kube-apiserver or etcd, through `hack/cluster.sh pause|resume|restart` (it finds the process by the
cluster's pid file). Used by e2e/test_control_plane_faults.py and bench/soak.py."""
import os
import subprocess
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
COMPONENTS = ("etcd", "apiserver")


def cluster(action, component):
    if component not in COMPONENTS:
        raise ValueError(f"not a control-plane component: {component}")
    proc = subprocess.run([os.path.join(ROOT, "hack", "cluster.sh"), action, component], capture_output=True,
                          text=True, timeout=180)
    if proc.returncode != 0:
        raise RuntimeError(f"hack/cluster.sh {action} {component} failed: {proc.stderr.strip()}")
    return proc


def api_answers(timeout=2):
    """Whether kube-apiserver answers a read through to etcd within `timeout` seconds (a quorum list)."""
    proc = subprocess.run(["kubectl", "get", "--raw", "/api/v1/namespaces/default", f"--request-timeout={timeout}s"],
                          capture_output=True, text=True, timeout=timeout + 10)
    return proc.returncode == 0


class ControlPlane:
    """Fires faults and counts them by kind (e.g. "apiserver-pause"); always leaves every component
    running (resume() on close)."""

    def __init__(self):
        self.counts = {}
        self.paused = set()

    def _count(self, kind):
        self.counts[kind] = self.counts.get(kind, 0) + 1

    def pause(self, component):
        cluster("pause", component)
        self.paused.add(component)
        self._count(f"{component}-pause")

    def resume(self, component):
        cluster("resume", component)
        self.paused.discard(component)

    def pause_for(self, component, seconds, stop=None):
        """SIGSTOP, hold for `seconds` (or until the `stop` Event is set), SIGCONT."""
        self.pause(component)
        try:
            if stop is not None:
                stop.wait(seconds)
            else:
                time.sleep(seconds)
        finally:
            self.resume(component)

    def restart(self, component):
        self.paused.discard(component)
        cluster("restart", component)
        self._count(f"{component}-restart")

    def close(self):
        for component in list(self.paused):
            self.resume(component)
