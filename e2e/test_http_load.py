"""A loopback load test of the operator's HTTP API (docs/http-api.md, docs/benchmarks.md): while
clients flood the release API without a token, with garbage tokens, with a valid token, with oversize
bodies (413), too many header lines (431) and idle connections, /healthz keeps answering quickly and a
rollout driven through the API server keeps its pace, and so does the reconcile: the operator's
aviary_reconcile_duration_seconds histogram (its /metrics) is read before and after a quiet window and
a loaded one, each with the same work (a few releases walking timed pause steps), and the loaded
window's p50/p99 pass times must stay within a bound of the quiet ones."""
import http.client
import os
import socket
import sys
import threading
import time

from harness import ROOT, apply, kubectl, release_status, wait_phase
from test_canary import release, request
from test_http_api import api  # noqa: F401  (the fixture)
from test_http_api import service_account

sys.path.insert(0, os.path.join(ROOT, "bench"))
from promtext import Histogram  # noqa: E402

SECONDS = float(os.environ.get("AVIARY_LOAD_SECONDS", "20"))
TICKERS = 4  # releases walking timed steps in each window: the reconcile work whose latency is measured
TICK_STEPS = [{"setWeight": 25}, {"pause": {"duration": "1s"}}, {"setWeight": 50}, {"pause": {"duration": "1s"}},
              {"setWeight": 75}, {"pause": {"duration": "1s"}}, {"setWeight": 100}]
RECONCILE = "aviary_reconcile_duration_seconds"
WORKERS = 12
IDLE = int(os.environ.get("AVIARY_LOAD_IDLE", "40"))  # connections opened and never used


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] if values else float("nan")


class Load:
    def __init__(self, port, namespace, token):
        self.port, self.namespace, self.token = port, namespace, token
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.statuses = {}
        self.errors = {}

    def count(self, status):
        with self.lock:
            self.statuses[status] = self.statuses.get(status, 0) + 1

    def one(self, i):
        kind = i % 5
        path = f"/api/v1/namespaces/{self.namespace}/modelreleases/none/promote"
        headers = {"Content-Type": "application/json"}
        body = b"{}"
        if kind == 1:
            headers["Authorization"] = "Bearer garbage-" + str(i)
        elif kind == 2:
            headers["Authorization"] = "Bearer " + self.token
        elif kind == 3:
            body = b"x" * (2 << 20)  # over the 1 MiB body limit
        elif kind == 4:
            for h in range(150):
                headers[f"X-Filler-{h}"] = "v"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request("POST", path, body=body, headers=headers)
            self.count(conn.getresponse().status)
        except OSError as e:
            with self.lock:
                key = f"{kind}:{type(e).__name__}"
                self.errors[key] = self.errors.get(key, 0) + 1
        finally:
            conn.close()

    def worker(self, start):
        i = start
        while not self.stop.is_set():
            self.one(i)
            i += WORKERS


def reconciles(op):
    return Histogram.parse(op.metrics(), RECONCILE)


def tick(namespace, version):
    for i in range(TICKERS):
        apply(release(f"tick-{i}", version, TICK_STEPS, replicas=1), namespace)


def ticked(namespace, version):
    return all(release_status(f"tick-{i}", namespace).get("phase") == "Promoted"
               and release_status(f"tick-{i}", namespace).get("stableVersion") == str(version) for i in range(TICKERS))


def ms(seconds):
    return f"{seconds * 1000:.1f}" if seconds is not None else "none"


def test_healthz_and_a_rollout_keep_their_pace_under_api_load(namespace, api):  # noqa: F811
    api_port = int(api.api_url.rsplit(":", 1)[1])
    token = service_account(namespace, "loader")
    # Baseline: a rollout's promote request acted on with no load.
    steps = [{"setWeight": 50}, {"pause": {}}, {"setWeight": 100}]
    apply(release("paced", 1, steps, replicas=2), namespace)
    wait_phase("paced", namespace, "Promoted")
    apply(release("paced", 2, steps, replicas=2), namespace)
    wait_phase("paced", namespace, "Paused")
    t0 = time.monotonic()
    request(namespace, "paced", "promote", "quiet")
    wait_phase("paced", namespace, "Promoted")
    quiet = time.monotonic() - t0
    # The quiet window: the tickers' first version goes straight to stable, the second walks its steps.
    tick(namespace, 1)
    while not ticked(namespace, 1):
        time.sleep(0.2)
    before_quiet = reconciles(api)
    t0 = time.monotonic()
    tick(namespace, 2)
    while not ticked(namespace, 2) and time.monotonic() - t0 < 120:
        time.sleep(0.2)
    tick_quiet = time.monotonic() - t0
    quiet_passes = reconciles(api) - before_quiet
    assert ticked(namespace, 2), "the tickers' quiet rollout did not finish in 120 s"

    idle = [socket.create_connection(("127.0.0.1", api_port)) for _ in range(IDLE)]  # never send a byte
    load = Load(api_port, namespace, token)
    threads = [threading.Thread(target=load.worker, args=(w,), daemon=True) for w in range(WORKERS)]
    for t in threads:
        t.start()
    health, failures = [], 0
    loaded_rollout = None
    before_loaded = reconciles(api)
    apply(release("paced", 3, steps, replicas=2), namespace)
    t0 = time.monotonic()
    tick(namespace, 3)
    tick_loaded = None
    deadline = time.monotonic() + SECONDS
    while time.monotonic() < deadline:
        if tick_loaded is None and ticked(namespace, 3):
            tick_loaded = time.monotonic() - t0
        t = time.monotonic()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", api.health_port, timeout=5)
            conn.request("GET", "/healthz")
            ok = conn.getresponse().status == 200
            conn.close()
        except OSError:
            ok = False
        health.append(time.monotonic() - t)
        failures += 0 if ok else 1
        if loaded_rollout is None and release_status("paced", namespace).get("phase") == "Paused":
            loaded_rollout = time.monotonic()
            request(namespace, "paced", "promote", "loaded")
        time.sleep(0.05)
    promoted_under_load = release_status("paced", namespace).get("phase") == "Promoted"
    loaded_passes = reconciles(api) - before_loaded
    load.stop.set()
    for t in threads:
        t.join(15)
    for s in idle:
        s.close()

    total = sum(load.statuses.values())
    print(f"\nLOAD seconds={SECONDS:.0f} workers={WORKERS} requests={total} rps={total / SECONDS:.0f} "
          f"statuses={dict(sorted(load.statuses.items()))} transport_errors={load.errors} "
          f"healthz={len(health)} healthz_failures={failures} healthz_p50_ms={percentile(health, 0.5) * 1000:.1f} "
          f"healthz_p99_ms={percentile(health, 0.99) * 1000:.1f} healthz_max_ms={max(health) * 1000:.1f} "
          f"promote_quiet_s={quiet:.1f}")
    q50, q99, l50, l99 = (quiet_passes.quantile(0.5), quiet_passes.quantile(0.99), loaded_passes.quantile(0.5),
                          loaded_passes.quantile(0.99))
    print(f"RECONCILE quiet_passes={quiet_passes.count:.0f} quiet_p50_ms={ms(q50)} quiet_p99_ms={ms(q99)} "
          f"quiet_mean_ms={ms(quiet_passes.sum / max(1, quiet_passes.count))} tickers_quiet_s={tick_quiet:.1f} "
          f"loaded_passes={loaded_passes.count:.0f} loaded_p50_ms={ms(l50)} loaded_p99_ms={ms(l99)} "
          f"loaded_mean_ms={ms(loaded_passes.sum / max(1, loaded_passes.count))} "
          f"tickers_loaded_s={tick_loaded if tick_loaded is None else round(tick_loaded, 1)}")
    assert failures == 0, failures
    # Only a client sending a body past the limit may lose its connection (the server stops reading
    # after 256 KiB); every other client gets its answer.
    assert not [k for k in load.errors if not k.startswith("3:")], load.errors
    assert percentile(health, 0.99) < 0.5, percentile(health, 0.99)
    assert {401, 413, 431} <= set(load.statuses), load.statuses
    assert total > SECONDS * 20, load.statuses
    assert loaded_rollout is not None and promoted_under_load or wait_phase("paced", namespace, "Promoted", timeout=10)
    assert release_status("paced", namespace)["stableVersion"] == "3"
    assert api.proc.poll() is None, api.tail()
    # The reconcile keeps its latency: the same work under load, its passes no slower than a bound of
    # the quiet ones (bucket estimates). On this 2-core machine shared with builds the median does not
    # keep: a quiet pass's median is about 1 ms, a loaded one's 15-140 ms (the cores busy with the load's
    # clients and the operator's HTTP workers, the API server with TokenReviews and
    # SubjectAccessReviews), so the median's bound only catches starvation; the tail, the mean and the
    # rollouts' pace are held to the quiet ones. In four runs beside other engineers' builds and a
    # 200-release soak (load average 14-19) the loaded p99 was 1.1-3.1x the quiet one, the mean 1.6-3.3x.
    assert quiet_passes.count >= 10 and loaded_passes.count >= 10, (quiet_passes.count, loaded_passes.count)
    quiet_mean, loaded_mean = quiet_passes.sum / quiet_passes.count, loaded_passes.sum / loaded_passes.count
    assert l50 <= 0.5, (l50, q50)
    assert l99 <= max(5 * q99, 1.0), (l99, q99)
    assert loaded_mean <= max(5 * quiet_mean, 0.25), (loaded_mean, quiet_mean)
    assert tick_loaded is not None and tick_loaded <= 2 * tick_quiet + 5, (tick_loaded, tick_quiet)
