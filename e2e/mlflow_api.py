"""MLflow's REST API 2.0 as the end-to-end tests read it, and a private MLflow server that a test may
stop and start again without disturbing the shared one from hack/cluster.sh."""
import json
import os
import signal
import subprocess
import tempfile
import urllib.error
import urllib.parse
import urllib.request

from harness import free_port, serving, wait_for


class Mlflow:
    def __init__(self, url):
        self.url = url

    def call(self, method, path, body=None, **query):
        url = f"{self.url}/api/2.0/mlflow/{path}"
        if query:
            url += "?" + urllib.parse.urlencode(query)
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return json.loads(r.read() or b"{}")
        except urllib.error.HTTPError as e:
            return json.loads(e.read() or b"{}")

    def register(self, model, versions):
        self.call("POST", "registered-models/create", {"name": model})
        for v in versions:
            self.call("POST", "model-versions/create", {"name": model, "source": f"s3://models/{model}/{v}"})

    def version_tags(self, model, version):
        mv = self.call("GET", "model-versions/get", name=model, version=str(version)).get("model_version", {})
        return {t["key"]: t["value"] for t in mv.get("tags", [])}

    def alias(self, model, name):
        answer = self.call("GET", "registered-models/alias", name=model, alias=name)
        return answer.get("model_version", {}).get("version")


def mlflow_executable():
    cache = os.environ.get("AVIARY_CACHE", os.path.expanduser("~/.cache/aviary"))
    return os.path.join(cache, "mlflow-venv", "bin", "mlflow")


class PrivateMlflow(Mlflow):
    """`mlflow server` on a port and SQLite store of its own, with gunicorn's access log kept so a test
    can count the writes that reached the server."""

    def __init__(self):
        self.port = free_port()
        super().__init__(f"http://127.0.0.1:{self.port}")
        self.dir = tempfile.mkdtemp(prefix="aviary-mlflow-")
        self.access_log = os.path.join(self.dir, "access.log")
        self.proc = None
        self.start()

    def start(self):
        log = open(os.path.join(self.dir, "server.log"), "a")
        self.proc = subprocess.Popen(
            [mlflow_executable(), "server",
             "--backend-store-uri", f"sqlite:///{self.dir}/mlflow.db",
             "--serve-artifacts", "--artifacts-destination", f"{self.dir}/artifacts",
             "--host", "127.0.0.1", "--port", str(self.port), "--workers", "1",
             "--gunicorn-opts", f"--access-logfile {self.access_log}"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        wait_for("private MLflow up", self.healthy, timeout=90)

    def healthy(self):
        return serving(self.proc, f"{self.url}/health", lambda: f"see {self.dir}/server.log")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)

    def requests(self, method, path):
        """How many `method path` requests the server has answered (from the access log)."""
        if not os.path.exists(self.access_log):
            return 0
        needle = f'"{method} /api/2.0/mlflow/{path}'
        with open(self.access_log, errors="replace") as f:
            return sum(1 for line in f if needle in line)
