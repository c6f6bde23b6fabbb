"""The soak test (docs/guarantees.md, docs/benchmarks.md): N releases rolling continuously with random
outcomes while the fault injector fires random faults, then the invariant checker.

Each release has an HTTPRoute, a Prometheus error-rate gate and MLflow as its registry. Every rollout
draws an outcome: healthy (promoted by its gate), bad (30% errors: rolled back by its gate), promote
requested by a user at the analysis step, abort requested by a user, or an approval step after the
gate: approved, or rejected, through ReleaseApproval objects by a member of the approvers' group
(kubectl --as), and before either an approval by a user of the same group who may create
ReleaseApprovals but holds no `approve` right (the approver holds it as a user), which the operator must
ignore. Meanwhile, every few seconds,
a random fault hits one of three proxies (tests/faults/fault_proxy.py) for a few seconds: the
operator's connections to kube-apiserver (resets, cuts of open connections and watch streams,
latency), Prometheus (malformed bodies, 429/500/503, resets, latency past the gate's timeout) or MLflow
(429/500/503, resets, latency); now and then the operator is killed with SIGKILL and restarted, and
(unless --no-control-plane) at most every 60 s kube-apiserver or etcd is SIGSTOPped for 5-35 s or
restarted (tests/faults/control_plane.py).

At the end the faults stop, every release settles, and the checker counts violations of I1 (a version
whose gate showed Fail or Error became stable), I2 (a RolledBack release whose route is not 100%
stable or keeps a mirror/header rule), I3 (lost_records: an outcome missing from MLflow;
duplicate_records: one registry write that reached MLflow twice) and I4 (objects left after deleting
the releases). Prints, last:
  SOAK releases=… rollouts=… faults=… violations=0 lost_records=0 duplicate_records=0"""
import argparse
import collections
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.join(ROOT, "e2e"))
sys.path.insert(0, os.path.join(ROOT, "tests", "faults"))
from control_plane import COMPONENTS, ControlPlane  # noqa: E402
from fault_proxy import FaultProxy  # noqa: E402
from harness import Operator, apply, kubectl, set_behaviour  # noqa: E402
from invariants import Watcher, kubectl_json, nothing_left, rollback_complete  # noqa: E402
from mlflow_api import Mlflow  # noqa: E402

TEMPLATE = {"metadata": {"labels": {"app": "soak"}},
            "spec": {"containers": [{"name": "server", "image": "registry.example/model-server:1.0",
                                     "ports": [{"containerPort": 8080}]}]}}
SELECT = 'namespace="{{namespace}}",release="{{release}}",version="{{version}}"'
OUTCOMES = ["healthy"] * 4 + ["bad"] * 3 + ["promote", "abort", "approve", "reject"]
APPROVERS = "soak-managers"
APPROVER, INTRUDER = "soak-approver", "soak-intruder"


def port_of(url):
    return int(url.rstrip("/").rsplit(":", 1)[1])


def route(name):
    return {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": {"name": name},
            "spec": {"parentRefs": [{"name": "gateway"}], "rules": [{"backendRefs": [{"name": f"{name}-stable", "port": 8080}]}]}}


def approval(name, version, decision, user):
    return {"apiVersion": "aviary.dev/v1alpha1", "kind": "ReleaseApproval",
            "metadata": {"name": f"{name}-{version}-{decision}-{user}-{uuid.uuid4().hex[:4]}"},
            "spec": {"release": name, "decision": decision, "approvedBy": user, "groups": [APPROVERS],
                     "comment": "soak"}}


def spec(name, version, prometheus, mlflow, approve=False):
    gate = {"name": "error-rate",
            "prometheus": {"address": prometheus, "timeout": "3s",
                           "query": f'(sum(rate(model_requests_total{{{SELECT},code=~"5.."}}[15s])) or vector(0))'
                                    f' / sum(rate(model_requests_total{{{SELECT}}}[15s]))'},
            "threshold": {"max": 0.05}, "initialDelay": "6s", "count": 2, "inconclusiveLimit": 10}
    steps = [{"setWeight": 50}, {"analysis": {"gates": ["error-rate"]}}, {"setWeight": 100}]
    if approve:
        steps.insert(2, {"approval": {"groups": [APPROVERS]}})
    return {"apiVersion": "aviary.dev/v1alpha1", "kind": "ModelRelease", "metadata": {"name": name},
            "spec": {"model": {"name": name, "version": str(version)}, "replicas": 2, "template": TEMPLATE,
                     "service": {"port": 8080},
                     "strategy": {"canary": {"steps": steps, "scaleDownDelay": "1s",
                                             "trafficRouting": {"gatewayAPI": {"httpRoute": name}}}},
                     "analysis": {"interval": "3s", "gates": [gate]},
                     "registry": {"mlflow": {"url": mlflow}}}}


class Soak:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.namespace = "soak-" + uuid.uuid4().hex[:6]
        self.registry = Mlflow(os.environ.get("AVIARY_MLFLOW_URL", "http://127.0.0.1:5000"))
        server = kubectl("config", "view", "--minify", "-o", "jsonpath={.clusters[0].cluster.server}").stdout.strip()
        self.api = FaultProxy(port_of(server))
        self.prom = FaultProxy(port_of(os.environ.get("AVIARY_PROMETHEUS_URL", "http://127.0.0.1:9090")))
        self.mlflow = FaultProxy(port_of(self.registry.url), record=True)
        self.kubeconfig = os.path.join("/tmp", f"aviary-{self.namespace}.kubeconfig")
        with open(os.environ["KUBECONFIG"]) as f, open(self.kubeconfig, "w") as out:
            out.write(f.read().replace(server, f"https://127.0.0.1:{self.api.port}"))
        self.names = [f"soak-{i}" for i in range(args.releases)]
        self.version = {n: 0 for n in self.names}
        self.plan = {}  # name -> (version, outcome, started)
        self.outcomes = {}  # (name, version) -> "promoted" | "rolledBack"
        self.decisions = {}  # (name, version) -> "approve" | "reject": decisions by the approver
        self.intruded = set()  # (name, version): an approval by a user without the approve right sent
        self.approval_objects = {}  # the approver's ReleaseApproval name -> (release, version, decision)
        self.approval_violations = []
        self.rollouts = 0
        self.kills = 0
        self.control_plane = ControlPlane()
        self.last_control_plane = time.monotonic()
        self.watcher = Watcher()
        self.operator = None
        self.stop = threading.Event()

    def log(self, *what):
        print(time.strftime("%H:%M:%S"), *what, flush=True)

    def start_operator(self):
        self.operator = Operator(f"--kubeconfig={self.kubeconfig}", "--workers=4", namespace=self.namespace)

    # --- rollouts ------------------------------------------------------------------------------
    def begin(self, name):
        v = self.version[name] + 1
        self.version[name] = v
        self.registry.call("POST", "model-versions/create", {"name": name, "source": f"s3://models/{name}/{v}"})
        outcome = "healthy" if v == 1 else self.rng.choice(OUTCOMES)
        set_behaviour(self.namespace, name, str(v), errorRate=0.3 if outcome == "bad" else 0.0)
        manifest = spec(name, v, self.prom.url, self.mlflow.url, approve=outcome in ("approve", "reject"))
        self.retry(f"apply {name} v{v}", lambda: apply(manifest, self.namespace))
        self.plan[name] = (v, outcome, time.monotonic())
        if v > 1:
            self.rollouts += 1

    def retry(self, what, action, attempts=60):
        """action() until it passes: the API server may be stopped or restarting (control-plane faults)."""
        for attempt in range(attempts):
            try:
                return action()
            except (AssertionError, subprocess.TimeoutExpired) as e:
                if attempt == attempts - 1:
                    raise
                self.log(f"{what} failed, retrying: {str(e)[:200]}")
                time.sleep(2)

    def request(self, name, what):
        kubectl("annotate", "--overwrite", "-n", self.namespace, f"modelrelease/{name}",
                f"aviary.dev/request={what}", f"aviary.dev/request-id={uuid.uuid4().hex[:8]}", check=False)

    def step(self):
        items = kubectl_json("get", "modelreleases", "-n", self.namespace) or {"items": []}
        for r in items["items"]:
            self.watcher.observe_release(self.namespace, r)
            name, s = r["metadata"]["name"], r.get("status") or {}
            v, outcome, started = self.plan.get(name, (0, "", 0))
            if r["spec"]["model"]["version"] != str(v) or s.get("observedGeneration", 0) < r["metadata"]["generation"]:
                continue
            phase = s.get("phase")
            # The status is this version's (observedGeneration above): Promoted makes it stable,
            # RolledBack keeps whatever was stable before (not always v - 1: that one may have been
            # rolled back too).
            if (phase == "Promoted" and s.get("stableVersion") == str(v)) or phase == "RolledBack":
                if v > 1 and (name, v) not in self.outcomes:
                    self.outcomes[(name, v)] = "promoted" if phase == "Promoted" else "rolledBack"
                    self.check_decision(name, v, phase)
                if not self.stop.is_set():
                    self.begin(name)
            elif outcome in ("promote", "abort") and s.get("canaryVersion") == str(v) and time.monotonic() - started > 4:
                if outcome == "promote":
                    self.watcher.promoted_by_request.add((self.namespace, name, str(v)))
                self.request(name, outcome)
                self.plan[name] = (v, outcome + "-sent", started)
            elif outcome in ("approve", "reject") and phase == "AwaitingApproval" and s.get("canaryVersion") == str(v):
                self.decide(name, v, outcome, started)

    # --- approvals -----------------------------------------------------------------------------
    def grant(self):
        """Both are members of the approvers' group (so both pass the step's `groups`), the approver holds the
        `approve` right as a user, the intruder may only create ReleaseApprovals."""
        ns = self.namespace
        kubectl("apply", "-f", os.path.join(ROOT, "manifests", "rbac", "aviary-release-manager.yaml"))
        kubectl("create", "rolebinding", "soak-managers", "-n", ns, "--clusterrole=aviary-release-manager",
                f"--user={APPROVER}")
        kubectl("create", "role", "approval-writer", "-n", ns, "--verb=create,get", "--resource=releaseapprovals.aviary.dev")
        kubectl("create", "rolebinding", "approval-writer", "-n", ns, "--role=approval-writer", f"--user={INTRUDER}")

    def decide(self, name, v, outcome, started):
        """At the approval step: first the intruder's approve (to be ignored), then, once the operator has
        answered it, the approver's decision."""
        if (name, v) not in self.intruded:
            self.intruded.add((name, v))
            apply(approval(name, v, "approve", INTRUDER), self.namespace, check=False, as_user=INTRUDER,
                  as_groups=[APPROVERS])
            self.plan[name] = (v, outcome, time.monotonic())
            return
        if time.monotonic() - started < 2:
            return
        manifest = approval(name, v, outcome, APPROVER)
        proc = apply(manifest, self.namespace, check=False, as_user=APPROVER, as_groups=[APPROVERS])
        if proc.returncode == 0:
            self.approval_objects[manifest["metadata"]["name"]] = (name, v, outcome)
            self.decisions[(name, v)] = outcome
            self.plan[name] = (v, outcome + "-sent", started)

    def check_decision(self, name, v, phase):
        """An approval rollout ends as its approver decided; one that ends before the approver's decision
        (Promoted: the intruder's approval was accepted) is a violation."""
        _, outcome, _ = self.plan[name]
        planned = outcome.replace("-sent", "")
        if planned not in ("approve", "reject"):
            return
        decided = self.decisions.get((name, v))
        if os.environ.get("AVIARY_SOAK_DEBUG"):
            r = kubectl_json("get", "modelrelease", name, "-n", self.namespace) or {}
            self.log("approval rollout", name, v, planned, "decided", decided, "ended", phase,
                     json.dumps([a for a in (r.get("status") or {}).get("approvals", []) if f"-{v}-" in a.get("name", "")]))
        want = {"approve": "Promoted", "reject": "RolledBack"}.get(decided)
        if phase == "Promoted" and decided != "approve":
            self.approval_violations.append(f"approval {name} v{v}: promoted without the approver's approve"
                                            f" (an approval without the approve right accepted?)")
        elif decided and phase != want:
            self.approval_violations.append(f"approval {name} v{v}: {decided} by the approver ended {phase}")

    # --- faults --------------------------------------------------------------------------------
    def inject(self):
        while not self.stop.wait(self.rng.uniform(2, 6)):
            target = self.rng.choice(["api", "prometheus", "mlflow", "api", "prometheus", "mlflow", "kill", "control"])
            hold = self.rng.uniform(2, 6)
            if target == "control" and self.args.control_plane and time.monotonic() - self.last_control_plane > 60:
                component = self.rng.choice(COMPONENTS)
                try:
                    if self.rng.random() < 0.5:
                        seconds = self.rng.uniform(5, 35)
                        self.log(f"fault: {component} SIGSTOP for {seconds:.0f} s")
                        self.control_plane.pause_for(component, seconds, stop=self.stop)
                    else:
                        self.log(f"fault: {component} restart")
                        self.control_plane.restart(component)
                except RuntimeError as e:
                    self.log(f"control-plane fault failed: {e}")
                self.last_control_plane = time.monotonic()
                continue
            if target == "kill" and self.kills < self.args.minutes:  # about one a minute at most
                self.kills += 1
                self.log("fault: operator SIGKILL and restart")
                self.operator.kill()
                self.start_operator()
                continue
            if target == "api":
                self.api.set("mix", kinds=["reset", "cut", "latency"], probability=0.5, after=0.5, delay=1.0)
                self.api.cut_open()
            elif target == "prometheus":
                self.prom.set("mix", kinds=["garbage", "status", "reset", "latency"], statuses=[429, 500, 503], delay=4)
            else:
                self.mlflow.set("mix", kinds=["status", "reset", "latency"], statuses=[429, 500, 503], delay=1.5,
                                probability=0.7)
            self.stop.wait(hold)
            for p in (self.api, self.prom, self.mlflow):
                p.clear()

    # --- checks --------------------------------------------------------------------------------
    def settle(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                self.step()
            except (AssertionError, subprocess.TimeoutExpired) as e:
                self.log(f"step failed, next second: {str(e)[:200]}")
            items = (kubectl_json("get", "modelreleases", "-n", self.namespace) or {"items": []})["items"]
            busy = [r["metadata"]["name"] for r in items
                    if (r.get("status") or {}).get("phase") not in ("Promoted", "RolledBack")
                    or (r.get("status") or {}).get("registrySync")]
            if not busy:
                return []
            time.sleep(1)
        return busy

    def describe(self, names):
        """What a release that did not settle was waiting for: its status, and its unanswered approvals."""
        approvals = (kubectl_json("get", "releaseapprovals", "-n", self.namespace) or {"items": []})["items"]
        for name in names:
            s = (kubectl_json("get", "modelrelease", name, "-n", self.namespace) or {}).get("status") or {}
            unanswered = [a["metadata"]["name"] for a in approvals
                          if a["spec"].get("release") == name and not (a.get("status") or {}).get("phase")]
            self.log(f"unsettled {name}: phase={s.get('phase')} step={s.get('currentStepIndex')} "
                     f"canary={s.get('canaryVersion')} stable={s.get('stableVersion')} message={s.get('message')!r} "
                     f"registrySync={len(s.get('registrySync') or [])} unanswered approvals={unanswered}")

    def duplicates(self):
        """Registry writes that reached MLflow more than once. Only each record's own writes count: its
        outcome tag and its alias move (tags like aviary.release are shared by every record of a version)."""
        def distinctive(method, path, body):
            if method != "POST":
                return False
            if path.endswith("registered-models/alias"):
                return True
            return "set-tag" in path and json.loads(body or "{}").get("key") in ("aviary.outcome", "aviary.decision")
        writes = collections.Counter((m, p, b) for m, p, b in self.mlflow.forwarded if distinctive(m, p, b))
        return sum(n - 1 for n in writes.values() if n > 1), [k for k, n in writes.items() if n > 1]

    def run(self):
        kubectl("create", "namespace", self.namespace)
        self.grant()
        self.start_operator()
        for name in self.names:
            self.registry.call("POST", "registered-models/create", {"name": name})
            apply(route(name), self.namespace)
            self.begin(name)
        injector = threading.Thread(target=self.inject, daemon=True)
        injector.start()
        end = time.monotonic() + self.args.minutes * 60
        while time.monotonic() < end:
            try:
                self.step()
            except (AssertionError, subprocess.TimeoutExpired) as e:  # the API server stopped or restarting
                self.log(f"step failed, next second: {str(e)[:200]}")
            time.sleep(1)
        self.stop.set()
        injector.join()
        self.control_plane.close()
        for p in (self.api, self.prom, self.mlflow):
            p.clear()
        self.log("faults stopped; settling")
        busy = self.settle(max(240, 2 * len(self.names)))
        violations = list(self.watcher.violations)
        if busy:
            violations.append(f"not settled after the faults stopped: {busy}")
            self.describe(busy)
        for name in self.names:
            s = (kubectl_json("get", "modelrelease", name, "-n", self.namespace) or {}).get("status") or {}
            if s.get("phase") == "RolledBack":
                violations += rollback_complete(self.namespace, name, route=name)
        lost = 0
        for (name, v), outcome in sorted(self.outcomes.items()):
            tags = self.registry.call("GET", "model-versions/get", name=name, version=str(v)).get("model_version", {}).get("tags", [])
            recorded = {t["key"]: t["value"] for t in tags}.get("aviary.outcome")
            if recorded != outcome:
                lost += 1
                violations.append(f"I3 {name} v{v}: {outcome} recorded as {recorded}")
        for (name, v), decision in sorted(self.decisions.items()):
            if self.outcomes.get((name, v)) is None:
                continue  # the decision did not end this rollout (it ended before the decision arrived)
            tags = self.registry.call("GET", "model-versions/get", name=name, version=str(v)).get("model_version", {}).get("tags", [])
            tags = {t["key"]: t["value"] for t in tags}
            if tags.get("aviary.decision") != decision or tags.get("aviary.approved_by") != APPROVER:
                lost += 1
                violations.append(f"I3 {name} v{v}: {decision} by {APPROVER} recorded as "
                                  f"{tags.get('aviary.decision')} by {tags.get('aviary.approved_by')}")
        violations += self.approval_violations
        answered = collections.Counter()
        acted = {}  # ReleaseApproval name -> (accepted, message): the release's last judgment of it
        for r in (kubectl_json("get", "modelreleases", "-n", self.namespace) or {"items": []})["items"]:
            for a in (r.get("status") or {}).get("approvals", []):
                acted[a.get("name")] = (bool(a.get("accepted")), a.get("message", ""))
        # An approval judged again in a later rollout: its rollout ended as it decided, yet the object
        # now says Ignored. The audit trail's fault, not one of I1-I6 (e2e/test_approval_history.py);
        # counted apart.
        rejudged = []
        for a in (kubectl_json("get", "releaseapprovals", "-n", self.namespace) or {"items": []})["items"]:
            user, phase = a["spec"]["approvedBy"], (a.get("status") or {}).get("phase", "unanswered")
            name = a["metadata"]["name"]
            if name in self.approval_objects and phase == "Ignored":
                release, v, decision = self.approval_objects[name]
                if self.outcomes.get((release, v)) == ("promoted" if decision == "approve" else "rolledBack"):
                    rejudged.append(name)
            if name in acted and acted[name][0] != (phase == "Accepted"):
                violations.append(f"approval {name}: the release recorded accepted={acted[name][0]} "
                                  f"({acted[name][1]}) but the ReleaseApproval says {phase}: "
                                  f"{(a.get('status') or {}).get('message')}")
            answered[f"{'intruder' if user == INTRUDER else a['spec']['decision']}-{phase}"] += 1
            if user == INTRUDER and phase == "Accepted":
                violations.append(f"approval {a['metadata']['name']}: accepted from a user without the approve right")
        dup, dup_keys = self.duplicates()
        for key in dup_keys:
            violations.append(f"I3 duplicate registry write {key}")
        kubectl("delete", "modelreleases", "--all", "-n", self.namespace, "--wait=true", check=False)
        time.sleep(5)
        for name in self.names:
            left = nothing_left(self.namespace, name)
            for _ in range(20):
                if not left:
                    break
                time.sleep(1)
                left = nothing_left(self.namespace, name)
            violations += left
        self.operator.stop()
        kinds = collections.Counter()
        for label, proxy in (("api", self.api), ("prometheus", self.prom), ("mlflow", self.mlflow)):
            for kind, n in proxy.counts().items():
                kinds[f"{label}-{kind}"] += n
        kinds["operator-kill9"] = self.kills
        kinds.update(self.control_plane.counts)
        for v in violations:
            self.log("VIOLATION", v)
        kubectl("delete", "namespace", self.namespace, "--wait=false", check=False)
        os.unlink(self.kubeconfig)
        ends = collections.Counter(self.outcomes.values())
        print("SOAK outcomes: " + " ".join(f"{k}={n}" for k, n in sorted(ends.items())) + " approvals: " +
              " ".join(f"{k}={n}" for k, n in sorted(answered.items())) + f" rejudged={len(rejudged)}")
        print("SOAK faults by kind: " + " ".join(f"{k}={n}" for k, n in sorted(kinds.items())))
        print(f"SOAK releases={len(self.names)} rollouts={self.rollouts} faults={sum(kinds.values())} "
              f"violations={len([v for v in violations if not v.startswith('I3')])} "
              f"lost_records={lost} duplicate_records={dup}")
        return 0 if not violations else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--releases", type=int, default=20)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--no-control-plane", dest="control_plane", action="store_false",
                        help="no SIGSTOP or restart of kube-apiserver and etcd")
    args = parser.parse_args()
    print(f"soak: {args.releases} releases for {args.minutes} minutes, seed {args.seed}", flush=True)
    return Soak(args).run()


if __name__ == "__main__":
    sys.exit(main())
