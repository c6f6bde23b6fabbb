"""The benchmark driver behind bench/run.sh (method and results: docs/benchmarks.md).

Runs `aviary operator` on the local cluster for namespaces of its own (one per
--releases-per-namespace releases; the operator watches every namespace when there is more than one),
creates N ModelReleases (every other one routed by a Gateway API HTTPRoute, the rest by replica ratio)
and measures, in phases:
  base      operator RSS before any release exists
  create    N first releases to Promoted; RSS once settled → per-release memory
  steps     10% of the releases walk a healthy canary (6 steps) → API writes per step
  rollbacks rounds in which 10% progress at once, half of them with a version whose gate fails
            → the operator's aviary_rollback_reaction_seconds
  idle      everything settled: API writes over --idle-seconds
Reconcile latency is the operator's aviary_reconcile_duration_seconds over create, steps and rollbacks.
The last line printed is the RESULT line (its fields are a contract)."""
import argparse
import math
import os
import signal
import subprocess
import sys
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "e2e"))

from harness import Operator, free_port  # noqa: E402  the operator as a process, exactly as the e2e tests run it
from test_canary import http_route, release  # noqa: E402

import api_requests  # noqa: E402
import capacity  # noqa: E402
import gate_exporter  # noqa: E402
import promtext  # noqa: E402
from kube import ApiError, Kube, cpu_seconds, machine, parallel, resource_path, vm_rss_kib  # noqa: E402

# A pause after each weight: the planner walks every step it can in one pass and writes the route once
# for where the pass ends, so a setWeight followed at once by an analysis step would be measured (and
# rolled back) before its weight ever reached the route.
STEPS = [{"setWeight": 20}, {"pause": {"duration": "1s"}}, {"analysis": {"gates": ["error-ratio"]}},
         {"setWeight": 60}, {"pause": {"duration": "1s"}}, {"setWeight": 100}]
HEALTHY, FAILING = 0.0, 0.5
QUIET_SECONDS = 6  # no operator write for this long (longer than a pause) = settled


def log(message):
    print(f"bench: {message}", flush=True)


def ms(seconds):
    return "nan" if seconds is None else f"{seconds * 1000:.1f}"


class Bench:
    def __init__(self, args):
        self.args = args
        self.run_id = uuid.uuid4().hex[:6]
        self.names = [f"r{i:05d}" for i in range(args.releases)]
        self.namespace_of = namespace_of(f"bench-{self.run_id}", self.names, args.releases_per_namespace)
        self.namespaces = list(dict.fromkeys(self.namespace_of.values()))
        self.user = f"aviary-bench-{self.run_id}"
        self.kube = Kube()
        self.prometheus = os.environ["AVIARY_PROMETHEUS_URL"].rstrip("/")
        self.version = {name: 1 for name in self.names}  # the version each release was last asked for
        self.requests = api_requests.RequestCounter(self.kube, self.user, self.run_id)
        self.capacity = capacity.Capacity(self.kube, self.run_id, pods=args.releases * args.replicas * 1.2 + 10)
        self.cleanups = []  # run last-in first-out by close()
        self.operator = None
        self.exporter = None

    # ---- setup and teardown -----------------------------------------------------------------

    def setup(self):
        log(f"namespaces {', '.join(self.namespaces)}, operator user {self.user}, machine {machine()}")
        self.wait_for_earlier_runs()
        if self.args.pause_simulator:
            self.pause_simulator()
        if not self.args.keep:  # the kept releases keep their Nodes and Service addresses
            self.cleanups.append(self.capacity.remove)
        self.capacity.add()
        for ns in self.namespaces:
            self.kube.create(resource_path("namespaces"), {"metadata": {"name": ns}})
            if not self.args.keep:
                self.cleanups.append(lambda ns=ns: self.kube.delete(resource_path("namespaces", name=ns)))
        binding = {"metadata": {"name": self.user},
                   "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"},
                   "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": self.user}]}
        self.kube.create(resource_path("clusterrolebindings"), binding)
        self.cleanups.append(lambda: self.kube.delete(resource_path("clusterrolebindings", name=self.user)))
        kubeconfig = subprocess.run([os.path.join(ROOT, "hack", "cluster.sh"), "user", self.user],
                                    capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
        self.cleanups.append(lambda: self.remove_user_files(kubeconfig))
        self.cleanups.append(self.requests.uninstall)
        self.requests.install()
        self.exporter = gate_exporter.GateExporter(os.environ["AVIARY_PROMETHEUS_TARGETS_DIR"], f"bench-{self.run_id}")
        self.cleanups.append(self.exporter.close)
        # --dashboard: the dashboard's feed and history rings (docs/dashboard.md) held for every release.
        dashboard = [f"--api-addr=127.0.0.1:{free_port()}", "--dashboard"] if self.args.dashboard else []
        self.operator = Operator(f"--kubeconfig={kubeconfig}", *dashboard, *self.args.operator_arg,
                                 namespace=self.namespaces[0] if len(self.namespaces) == 1 else None)
        self.cleanups.append(self.operator.stop)

    def wait_for_earlier_runs(self, limit_s=1800):
        """An earlier run's namespace is deleted as it ends, and kube-controller-manager's garbage
        collector then deletes its thousands of objects for minutes: a run started meanwhile would
        measure the cluster's cleanup, so it waits for it first."""
        deadline = time.monotonic() + limit_s
        while True:
            namespaces = self.kube.get(resource_path("namespaces"))["items"]
            terminating = sorted(n["metadata"]["name"] for n in namespaces
                                 if n["metadata"]["name"].startswith("bench-") and n.get("status", {}).get("phase") == "Terminating")
            if not terminating:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"earlier runs' namespaces still terminating after {limit_s}s: {terminating}")
            log(f"waiting for earlier runs' namespaces to be deleted: {terminating}")
            time.sleep(10)

    def pause_simulator(self):
        """SIGSTOP the cluster's traffic simulator until close(): it lists every release, Deployment and
        Service and GETs every release's route each second (10,000 GETs a second at N = 10,000), and the
        bench needs none of it (its gates read the bench's own exporter)."""
        with open(os.path.join(os.environ["AVIARY_CLUSTER_DIR"], "pids", "simulator.pid")) as f:
            pid = int(f.read().split()[0])
        os.kill(pid, signal.SIGSTOP)
        self.cleanups.append(lambda: os.kill(pid, signal.SIGCONT))
        log(f"traffic simulator (pid {pid}) paused for the run")

    def remove_user_files(self, kubeconfig):
        pki = os.path.join(os.path.dirname(kubeconfig), "pki")
        for path in (kubeconfig, os.path.join(pki, f"user-{self.user}.crt"), os.path.join(pki, f"user-{self.user}.key")):
            if os.path.exists(path):
                os.remove(path)

    def close(self):
        for cleanup in reversed(self.cleanups):
            try:
                cleanup()
            except Exception as e:  # keep cleaning up
                log(f"cleanup step failed: {e}")
        if self.args.keep:
            log(f"kept namespaces {', '.join(self.namespaces)}, Nodes {self.capacity.node_label}-*, ServiceCIDR "
                f"{self.capacity.service_cidr}: kubectl delete namespace {' '.join(self.namespaces)}; kubectl delete node "
                f"{' '.join(self.capacity.nodes)}; kubectl delete servicecidr {self.capacity.service_cidr}")

    # ---- observation ------------------------------------------------------------------------

    def rss_kib(self):
        return vm_rss_kib(self.operator.proc.pid)

    def histogram(self, name):
        return promtext.Histogram.parse(self.operator.metrics(), name)

    def manifest(self, name, version):
        routing = {"gatewayAPI": {"httpRoute": name}} if self.routed(name) else None
        manifest = release(name, version, STEPS, routing, replicas=self.args.replicas, scale_down="1s",
                           analysis={"interval": "2s", "gates": [gate_exporter.gate(self.prometheus)]})
        template = manifest["spec"]["template"]
        manifest["spec"]["template"] = {**template, "spec": {**template["spec"], **self.capacity.pod_placement()}}
        return manifest

    def routed(self, name):
        return int(name[1:]) % 2 == 0

    def wait_releases(self, expected, what, timeout):
        """Until every release in expected (name → predicate(status)) has its spec observed and the
        predicate holds."""
        deadline = time.monotonic() + timeout
        # Only the namespaces that hold them: a list of every release costs the API server too.
        namespaces = sorted({self.namespace_of[n] for n in expected})
        listed = sum(1 for n in self.names if self.namespace_of[n] in namespaces)
        interval = max(1.0, listed / 250)
        last_report = time.monotonic()
        while True:
            items = [o for ns in namespaces for o in self.kube.list_all(resource_path("modelreleases", ns))]
            pending, phases = [n for n in expected.keys() - {o["metadata"]["name"] for o in items}], {}
            for obj in items:
                name = obj["metadata"]["name"]
                if name not in expected:
                    continue
                status = obj.get("status", {})
                phases[status.get("phase")] = phases.get(status.get("phase"), 0) + 1
                observed = status.get("observedGeneration") == obj["metadata"]["generation"]
                if not (observed and expected[name](status)):
                    pending.append(name)
            if not pending:
                return
            now = time.monotonic()
            if now > deadline:
                raise AssertionError(f"{what}: {len(pending)} of {len(expected)} not there after {timeout:.0f}s "
                                     f"(phases {phases}; first: {pending[:3]})\noperator log:\n{self.operator.tail(30)}")
            if now - last_report > 15:
                log(f"  {what}: {len(expected) - len(pending)}/{len(expected)} (phases {phases})")
                last_report = now
            time.sleep(interval)

    def settle(self, timeout=600):
        """Until the operator has written nothing for QUIET_SECONDS (delayed requeues included)."""
        deadline = time.monotonic() + timeout
        last, since = None, time.monotonic()
        while time.monotonic() < deadline:
            writes = api_requests.writes(self.requests.read())
            if writes != last:
                last, since = writes, time.monotonic()
            elif time.monotonic() - since >= QUIET_SECONDS:
                return
            time.sleep(2)  # each look renders the API server's metrics (megabytes)
        raise AssertionError(f"the operator kept writing for {timeout}s")

    # ---- phases -----------------------------------------------------------------------------

    def create(self):
        routed = [n for n in self.names if self.routed(n)]
        parallel(lambda n: self.kube.create(resource_path("httproutes", self.namespace_of[n]),
                                            http_route(n, [f"{n}-stable"])), routed)
        parallel(lambda n: self.kube.create(resource_path("modelreleases", self.namespace_of[n]), self.manifest(n, 1)),
                 self.names)
        self.wait_releases({n: promoted(1) for n in self.names}, "first releases Promoted",
                           timeout=300 + 0.6 * len(self.names))
        self.settle()

    def roll(self, names, failing, what):
        """Starts a rollout of the next version on every release in names (the failing ones get a
        version whose gate fails) and waits until each promoted or rolled back."""
        next_version = {n: self.version[n] + 1 for n in names}
        self.exporter.clear()
        for n in names:
            self.exporter.set(self.namespace_of[n], n, next_version[n], FAILING if n in failing else HEALTHY)
        for ns in sorted({self.namespace_of[n] for n in names}):
            self.exporter.wait_scraped(self.prometheus, ns)
        parallel(lambda n: self.kube.merge_patch(resource_path("modelreleases", self.namespace_of[n], n),
                                                 {"spec": {"model": {"version": str(next_version[n])}}}), names)
        self.version.update(next_version)
        expected = {n: rolled_back(next_version[n]) if n in failing else promoted(next_version[n]) for n in names}
        self.wait_releases(expected, what, timeout=180 + 0.6 * len(names))

    def steps(self):
        count = max(1, len(self.names) // 10)
        names = self.names[:count]
        before = self.requests.read()
        before_all = api_requests.request_total_writes(self.requests.metrics_text())
        self.roll(names, set(), f"healthy canaries ({count}) Promoted")
        self.settle()
        text = self.requests.metrics_text()
        by_kind = api_requests.delta(self.requests.read(text), before)
        all_clients = api_requests.delta(api_requests.request_total_writes(text), before_all)
        steps = count * len(STEPS)
        log(f"steps: {count} rollouts × {len(STEPS)} steps; operator requests by kind {by_kind} "
            f"({by_kind['reads'] / steps:.2f} reads per step)")
        log(f"steps: apiserver_request_total writes on those resources by every client {all_clients}")
        return api_requests.writes(by_kind) / steps

    def rollbacks(self):
        progressing = max(1, len(self.names) // 10)
        per_round = math.ceil(progressing / 2)
        rounds = max(1, math.ceil(self.args.rollbacks / per_round))
        start = progressing % len(self.names)  # after the releases of the steps phase, where possible
        triggered = 0
        for r in range(rounds):
            names = [self.names[(start + r * progressing + i) % len(self.names)] for i in range(progressing)]
            failing = set(names[:per_round])
            self.roll(names, failing, f"round {r + 1}/{rounds}: {len(failing)} rolled back, "
                                      f"{len(names) - len(failing)} promoted")
            triggered += len(failing)
        self.settle()
        reaction = self.histogram("aviary_rollback_reaction_seconds")
        log(f"rollback reactions observed={int(reaction.count)} triggered={triggered} "
            f"({rounds} rounds of {progressing} progressing releases): p50 {ms(reaction.quantile(0.5))} ms, "
            f"p90 {ms(reaction.quantile(0.9))} ms, p99 {ms(reaction.quantile(0.99))} ms")
        return reaction

    def idle(self):
        before = self.requests.read()
        time.sleep(self.args.idle_seconds)
        by_kind = api_requests.delta(self.requests.read(), before)
        log(f"idle {self.args.idle_seconds}s: operator requests by kind {by_kind}")
        return api_requests.writes(by_kind)

    def log_where_time_went(self, reconcile, cpu_before, server_before):
        """The operator's own CPU per reconcile pass, and the API server's time per request of each kind."""
        cpu = cpu_seconds(self.operator.proc.pid) - cpu_before
        log(f"operator CPU {cpu:.1f}s over create, steps and rollbacks: {ms(cpu / max(reconcile.count, 1))} ms "
            f"per reconcile pass (with informers, metrics and HTTP)")
        after = self.requests.server_seconds(self.requests.metrics_text())
        spent = {kind: [a - b for a, b in zip(after[kind], server_before[kind])] for kind in after}
        log("API server time per request (executing + queued): " + ", ".join(
            f"{kind} {int(n)} × {ms(run / n)} + {ms(wait / n)} ms" for kind, (n, run, wait) in spent.items() if n))

    def run(self):
        started = time.monotonic()
        self.setup()
        time.sleep(2)
        base = self.rss_kib()
        reconcile_before = self.histogram("aviary_reconcile_duration_seconds")
        cpu_before, server_before = cpu_seconds(self.operator.proc.pid), self.requests.server_seconds(
            self.requests.metrics_text())
        rates = api_requests.RateSampler(self.requests)
        rates.start()
        self.cleanups.append(rates.stop)
        marks = [time.monotonic()]
        log(f"base: RSS {base} KiB")

        self.create()
        after_create = self.histogram("aviary_reconcile_duration_seconds")
        marks.append(time.monotonic())
        at_n = self.rss_kib()
        per_release = (at_n - base) / len(self.names)
        log(f"create: {len(self.names)} releases Promoted and settled; RSS {at_n} KiB "
            f"({per_release:.1f} KiB per release) at {time.monotonic() - started:.0f}s")

        writes_per_step = self.steps()
        after_steps = self.histogram("aviary_reconcile_duration_seconds")
        marks.append(time.monotonic())
        log(f"steps: {writes_per_step:.2f} writes per step at {time.monotonic() - started:.0f}s")

        reaction = self.rollbacks()
        after_rollbacks = self.histogram("aviary_reconcile_duration_seconds")
        marks.append(time.monotonic())
        rates.stop()
        reconcile = after_rollbacks - reconcile_before
        log(f"reconcile passes {int(reconcile.count)}, mean {ms(reconcile.sum / max(reconcile.count, 1))} ms; "
            f"quantiles interpolated between the histogram's buckets")
        phases = (("create", after_create - reconcile_before), ("steps", after_steps - after_create),
                  ("rollbacks", after_rollbacks - after_steps))
        for i, (phase, h) in enumerate(phases):
            log(f"  {phase}: {int(h.count)} passes, p50 {ms(h.quantile(0.5))} ms, p99 {ms(h.quantile(0.99))} ms; "
                f"peak operator request rate {rates.peak(marks[i], marks[i + 1]):.0f}/s")
        self.log_where_time_went(reconcile, cpu_before, server_before)

        idle_writes = self.idle()
        with open(f"/proc/{self.operator.proc.pid}/status") as f:
            peak = next(line.split()[1] for line in f if line.startswith("VmHWM:"))
        exposed = self.operator.metrics()
        depth = promtext.total(exposed, "aviary_workqueue_depth")
        behind = promtext.total(exposed, "aviary_reconcile_cache_behind_total")
        log(f"end: RSS {self.rss_kib()} KiB, peak {peak} KiB, aviary_workqueue_depth {depth:.0f}, "
            f"aviary_reconcile_cache_behind_total {behind:.0f}, "
            f"operator log {self.operator.log.name}, "
            f"{time.monotonic() - started:.0f}s in all, load {machine()['load']}")
        return (f"RESULT releases={len(self.names)} rss_base_mib={base / 1024:.1f} per_release_kib={per_release:.1f} "
                f"reconcile_p50_ms={ms(reconcile.quantile(0.5))} reconcile_p99_ms={ms(reconcile.quantile(0.99))} "
                f"rollback_p99_ms={ms(reaction.quantile(0.99))} writes_per_step={writes_per_step:.2f} "
                f"idle_writes={idle_writes}")


def namespace_of(prefix, names, per_namespace):
    """Each release's namespace: prefix itself when one holds every release, else prefix-0, prefix-1, …
    kube-controller-manager's EndpointSlice controllers look through every EndpointSlice of a Service's
    namespace each time they sync it, so 30,000 Services in one namespace (N = 10,000) keep a core busy
    with label matching; spread as releases are across a real cluster's teams, they do not."""
    if len(names) <= per_namespace:
        return {name: prefix for name in names}
    return {name: f"{prefix}-{i // per_namespace}" for i, name in enumerate(names)}


def promoted(version):
    return lambda s: s.get("phase") == "Promoted" and s.get("stableVersion") == str(version)


def rolled_back(version):
    return lambda s: s.get("phase") == "RolledBack" and s.get("rolledBackVersion") == str(version)


def main():
    parser = argparse.ArgumentParser(prog="bench/run.sh", description=__doc__.split("\n")[0])
    parser.add_argument("--releases", type=int, required=True, help="how many ModelReleases (N)")
    parser.add_argument("--idle-seconds", type=int, default=60, help="length of the idle-writes window")
    parser.add_argument("--rollbacks", type=int, default=100, help="at least this many gate-triggered rollbacks")
    parser.add_argument("--replicas", type=int, default=1, choices=range(0, 4), metavar="{0..3}",
                        help="pods per version; 0 = none: kube-controller-manager, the scheduler and kwok do a "
                             "fraction of the work and the operator the same (N = 10,000 on 2 cores)")
    parser.add_argument("--releases-per-namespace", type=int, default=1000, metavar="K",
                        help="releases in each of the run's namespaces (more than one namespace: the operator "
                             "watches all of them)")
    parser.add_argument("--keep", action="store_true", help="leave the namespace and its releases")
    parser.add_argument("--dashboard", action="store_true", help="run the operator with --dashboard (its history rings)")
    parser.add_argument("--pause-simulator", action="store_true",
                        help="SIGSTOP the cluster's traffic simulator for the run (it polls every release's route)")
    parser.add_argument("--operator-arg", action="append", default=[], metavar="FLAG",
                        help="one more flag for the operator, e.g. --operator-arg=--workers=4 (repeatable)")
    args = parser.parse_args()
    if args.releases < 1 or args.releases_per_namespace < 1:
        parser.error("--releases and --releases-per-namespace must be at least 1")
    bench = Bench(args)
    try:
        result = bench.run()
    except (AssertionError, ApiError) as e:
        log(f"FAILED: {e}")
        return 1
    finally:
        bench.close()
    print(result, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
