"""A small Kubernetes API client for the benchmark driver: the kubeconfig's server, CA and client
certificate, one keep-alive connection per thread, JSON in and out. kubectl (e2e/harness.py) starts a
process per call; creating and patching thousands of objects at once needs connections that stay open.
Standard library only."""
import base64
import concurrent.futures
import http.client
import json
import os
import ssl
import subprocess
import tempfile
import threading
import urllib.parse

GROUP_PATHS = {
    "modelreleases": "/apis/aviary.dev/v1alpha1",
    "httproutes": "/apis/gateway.networking.k8s.io/v1",
    "namespaces": "/api/v1",
    "flowschemas": "/apis/flowcontrol.apiserver.k8s.io/v1",
    "clusterrolebindings": "/apis/rbac.authorization.k8s.io/v1",
    "servicecidrs": "/apis/networking.k8s.io/v1",
    "nodes": "/api/v1",
}


class ApiError(Exception):
    def __init__(self, method, path, status, body):
        super().__init__(f"{method} {path}: HTTP {status}: {body[:300]}")
        self.status = status


def resource_path(resource, namespace=None, name=None):
    path = GROUP_PATHS[resource]
    if namespace:
        path += f"/namespaces/{namespace}"
    path += f"/{resource}"
    return f"{path}/{name}" if name else path


def _file_of(entry, key):
    """The path of a kubeconfig credential given as KEY (a path) or KEY-data (base64 inline)."""
    if entry.get(key):
        return entry[key]
    data = entry.get(f"{key}-data")
    if not data:
        return None
    f = tempfile.NamedTemporaryFile(prefix="bench-kube-", delete=False)
    f.write(base64.b64decode(data))
    f.close()
    return f.name


class Kube:
    def __init__(self, kubeconfig=None):
        cmd = ["kubectl", "config", "view", "--raw", "--minify", "-o", "json"]
        if kubeconfig:
            cmd += ["--kubeconfig", kubeconfig]
        config = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)
        cluster = config["clusters"][0]["cluster"]
        user = config["users"][0]["user"]
        url = urllib.parse.urlparse(cluster["server"])
        self.host, self.port = url.hostname, url.port or 443
        self.context = ssl.create_default_context(cafile=_file_of(cluster, "certificate-authority"))
        cert = _file_of(user, "client-certificate")
        if cert:
            self.context.load_cert_chain(cert, _file_of(user, "client-key"))
        self.token = user.get("token")
        self.local = threading.local()

    def _connection(self, fresh=False):
        conn = getattr(self.local, "conn", None)
        if conn is None or fresh:
            if conn is not None:
                conn.close()
            conn = http.client.HTTPSConnection(self.host, self.port, context=self.context, timeout=120)
            self.local.conn = conn
        return conn

    def request(self, method, path, body=None, content_type="application/json", raw=False):
        headers = {"Accept": "application/json" if not raw else "*/*"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        data = None
        if body is not None:
            data = body if isinstance(body, (bytes, str)) else json.dumps(body)
            headers["Content-Type"] = content_type
        for attempt in range(2):
            conn = self._connection(fresh=attempt > 0)
            try:
                conn.request(method, path, body=data, headers=headers)
                resp = conn.getresponse()
                text = resp.read().decode()
                break
            except (http.client.HTTPException, ConnectionError, OSError):
                if attempt:
                    raise
        if resp.status >= 400:
            raise ApiError(method, path, resp.status, text)
        if raw:
            return text
        return json.loads(text) if text else None

    def get(self, path):
        return self.request("GET", path)

    def create(self, path, obj):
        return self.request("POST", path, obj)

    def merge_patch(self, path, patch):
        return self.request("PATCH", path, patch, content_type="application/merge-patch+json")

    def delete(self, path, missing_ok=True):
        try:
            return self.request("DELETE", path)
        except ApiError as e:
            if not (missing_ok and e.status == 404):
                raise

    def list_all(self, path, page=500):
        items, token = [], ""
        while True:
            query = f"?limit={page}" + (f"&continue={urllib.parse.quote(token)}" if token else "")
            listed = self.get(path + query)
            items += listed["items"]
            token = listed["metadata"].get("continue")
            if not token:
                return items


def parallel(fn, items, workers=8):
    """fn(item) for every item on a thread pool; the results in order; the first exception raised."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(fn, items))


def vm_rss_kib(pid):
    """Resident set size of a process, in KiB (/proc/PID/status VmRSS)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


def cpu_seconds(pid):
    """User + system CPU time of a process so far (/proc/PID/stat utime and stime)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine():
    """nproc, memory and kernel, for the record."""
    with open("/proc/meminfo") as f:
        total = int(f.readline().split()[1])
    return {"nproc": os.cpu_count(), "mem_gib": round(total / 1024 / 1024, 1), "kernel": os.uname().release,
            "load": " ".join(f"{x:.2f}" for x in os.getloadavg())}
