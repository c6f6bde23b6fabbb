"""The invariant checker of docs/guarantees.md: reads the API server (and MLflow) and returns the
violations it finds, as strings naming the invariant. Used by e2e/test_faults.py and bench/soak.py.

Watcher polls releases while faults fire and remembers what it saw, because I1 is about history (a
version whose gate failed must never become stable later), not only the final state."""
import json
import subprocess


def kubectl_json(*args):
    """The object(s) as JSON, or None when kubectl fails or the API server does not answer in 90 s."""
    try:
        out = subprocess.run(["kubectl", *args, "-o", "json"], capture_output=True, text=True, timeout=90)
    except subprocess.TimeoutExpired:
        return None
    if out.returncode != 0:
        return None
    return json.loads(out.stdout)


def route_backends(namespace, route):
    obj = kubectl_json("get", "httproute", route, "-n", namespace)
    if not obj:
        return None
    return obj["spec"].get("rules", [])


class Watcher:
    """Observes ModelReleases (by namespace) and collects I1 evidence: failed[(ns, name)] = versions whose
    gate ended as Fail (failures past failure_limit) or Error (consecutive errors past error_limit)
    while they were the canary. A single Fail or Error measurement within those limits is not the end of
    the gate (its verdict shows the last measurement while it runs). Defaults: the CRD's."""

    def __init__(self, failure_limit=0, error_limit=4):
        self.failure_limit, self.error_limit = failure_limit, error_limit
        self.failed = {}
        self.promoted_by_request = set()  # (ns, name, version): a user's promote moves past any gate
        self.violations = []
        self.evidence = {}
        self.observations = 0

    def observe(self, namespace):
        items = kubectl_json("get", "modelreleases", "-n", namespace)
        if not items:
            return
        for r in items.get("items", []):
            self.observe_release(namespace, r)

    def observe_release(self, namespace, release):
        self.observations += 1
        key = (namespace, release["metadata"]["name"])
        s = release.get("status") or {}
        canary = s.get("canaryVersion")
        ended = lambda g: ((g.get("verdict") == "Fail" and g.get("failures", 0) > self.failure_limit)  # noqa: E731
                           or (g.get("verdict") == "Error" and g.get("consecutiveErrors", 0) > self.error_limit))
        # status.gates keeps earlier rollouts' gates too: each names its stage "<version>/<stage>".
        mine = [g for g in s.get("gates", []) if str(g.get("stage", "")).split("/", 1)[0] == canary]
        if canary and any(ended(g) for g in mine):
            if canary not in self.failed.get(key, set()):
                self.evidence[(*key, canary)] = json.dumps({k: s.get(k) for k in ("phase", "canaryVersion", "stableVersion", "gates", "message")})[:1500]
            self.failed.setdefault(key, set()).add(canary)
        stable = s.get("stableVersion")
        if stable and stable in self.failed.get(key, set()) and (*key, stable) not in self.promoted_by_request:
            v = (f"I1 {key[0]}/{key[1]}: version {stable} became stable after its gate failed; seen: "
                 f"{self.evidence.get((*key, stable))}")
            if v not in self.violations:
                self.violations.append(v)


def rollback_complete(namespace, name, route=None):
    """I2 for a release whose phase is RolledBack: 100% of the route to stable, no mirror or header rule,
    and no canary replicas. Returns violations."""
    out = []
    r = kubectl_json("get", "modelrelease", name, "-n", namespace)
    s = (r or {}).get("status") or {}
    if s.get("phase") != "RolledBack":
        return [f"I2 {namespace}/{name}: phase {s.get('phase')}, not RolledBack"]
    if route:
        rules = route_backends(namespace, route) or []
        if len(rules) != 1:
            out.append(f"I2 {namespace}/{name}: route {route} has {len(rules)} rules (a header route left?)")
        for rule in rules:
            if rule.get("filters"):
                out.append(f"I2 {namespace}/{name}: route {route} keeps filters {rule['filters']} (a mirror?)")
            weights = {b["name"]: b.get("weight", 1) for b in rule.get("backendRefs", [])}
            live = {b: w for b, w in weights.items() if w}
            if list(live) != [f"{name}-stable"]:
                out.append(f"I2 {namespace}/{name}: route {route} sends traffic to {live}, not only {name}-stable")
    deps = kubectl_json("get", "deployments", "-n", namespace, "-l", f"aviary.dev/release={name}") or {"items": []}
    stable = s.get("stableVersion")
    for d in deps["items"]:
        version = d["metadata"]["labels"].get("aviary.dev/model-version")
        if version != stable and d["spec"].get("replicas", 0) > 0 and not d["metadata"].get("deletionTimestamp"):
            # the canary is scaled down after scaleDownDelay; the route already sends it nothing
            if not route:
                out.append(f"I2 {namespace}/{name}: canary version {version} still has replicas")
    return out


def nothing_left(namespace, name):
    """I4 after deleting a release: no Deployment or Service labelled with it remains."""
    out = []
    for kind in ("deployments", "services"):
        items = kubectl_json("get", kind, "-n", namespace, "-l", f"aviary.dev/release={name}") or {"items": []}
        live = [i["metadata"]["name"] for i in items["items"] if not i["metadata"].get("deletionTimestamp")]
        if live:
            out.append(f"I4 {namespace}/{name}: {kind} {live} left behind")
    return out


def registry_records(mlflow, model, outcomes):
    """I3: outcomes {version: "promoted"|"rolledback"} each recorded in MLflow (the version's
    aviary.outcome tag). Returns (lost, violations)."""
    lost, out = 0, []
    for version, outcome in outcomes.items():
        tags = mlflow.version_tags(model, version)
        if tags.get("aviary.outcome") != outcome:
            lost += 1
            out.append(f"I3 {model} v{version}: outcome {outcome} not recorded (tags {tags})")
    return lost, out
