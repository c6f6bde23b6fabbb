"""The error ratio every bench release's gate reads from Prometheus.

The traffic simulator (e2e/harness.py set_behaviour) is what the end-to-end tests fail gates with, but
it cannot carry a benchmark's releases: it re-reads every release's route every second and caps its
series at 50,000 per family (about 2,600 versions of its latency histogram). So the bench serves
bench_error_ratio{namespace,release,version} itself, 0 for a healthy version and 0.5 for a bad one,
from a target it adds to the cluster's Prometheus (a file_sd file, docs/development.md); the gate is a
real Prometheus query judged by the threshold judge, as in test_gates.py."""
import http.server
import json
import os
import threading
import time
import urllib.parse
import urllib.request

METRIC = "bench_error_ratio"


def gate(prometheus_url):
    select = 'namespace="{{namespace}}",release="{{release}}",version="{{version}}"'
    return {"name": "error-ratio", "prometheus": {"address": prometheus_url, "query": f"{METRIC}{{{select}}}"},
            "threshold": {"max": 0.05}, "inconclusiveLimit": 5}


class GateExporter:
    def __init__(self, targets_dir, name):
        self.values = {}  # (namespace, release, version) → ratio
        self.lock = threading.Lock()
        exporter = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = exporter.render().encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; version=0.0.4")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        # One thread: a scrape a second, and no thread to start when the machine is out of them.
        self.server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.target_file = os.path.join(targets_dir, f"{name}.json")
        tmp = self.target_file + ".tmp"
        with open(tmp, "w") as f:
            json.dump([{"targets": [f"127.0.0.1:{self.server.server_address[1]}"], "labels": {"bench": name}}], f)
        os.replace(tmp, self.target_file)

    def render(self):
        with self.lock:
            lines = [f"# TYPE {METRIC} gauge"]
            lines += [f'{METRIC}{{namespace="{ns}",release="{r}",version="{v}"}} {ratio}'
                      for (ns, r, v), ratio in sorted(self.values.items())]
        return "\n".join(lines) + "\n"

    def set(self, namespace, release, version, ratio):
        with self.lock:
            self.values[(namespace, release, str(version))] = ratio

    def clear(self):
        with self.lock:
            self.values.clear()

    def wait_scraped(self, prometheus_url, namespace, timeout=60):
        """Until Prometheus answers every value set for this namespace (so no gate measures NoData)."""
        with self.lock:
            want = {(r, v): ratio for (ns, r, v), ratio in self.values.items() if ns == namespace}
        query = urllib.parse.urlencode({"query": f'{METRIC}{{namespace="{namespace}"}}'})
        deadline = time.monotonic() + timeout
        while True:
            with urllib.request.urlopen(f"{prometheus_url}/api/v1/query?{query}", timeout=10) as r:
                result = json.load(r)["data"]["result"]
            seen = {(s["metric"]["release"], s["metric"]["version"]): float(s["value"][1]) for s in result}
            if all(seen.get(k) == v for k, v in want.items()):
                return
            if time.monotonic() > deadline:
                missing = [k for k, v in want.items() if seen.get(k) != v][:5]
                raise AssertionError(f"Prometheus has not scraped the gate values after {timeout}s: {missing}")
            time.sleep(0.5)

    def close(self):
        try:
            os.remove(self.target_file)
        except FileNotFoundError:
            pass
        self.server.shutdown()
