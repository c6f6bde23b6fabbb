"""The operator's API requests (writes by kind, and reads), as counted by kube-apiserver itself.

apiserver_request_total has no client label: on a shared cluster it also counts kube-controller-
manager's and the scheduler's writes (Deployment status, Events for every pod) and other test runs.
So the benchmark runs the operator as a user of its own and gives API Priority and Fairness one
FlowSchema per kind of write that matches only that user's create/update/patch/delete requests;
apiserver_flowcontrol_dispatched_requests_total{flow_schema} is then the API server's count of exactly
the operator's writes, by kind. apiserver_request_total is still read, for the record, over the same
resources (all clients). A last FlowSchema counts the user's reads (get, list, watch): the design wants
reconciles to read from the watch caches only."""
import threading
import time

from kube import resource_path
from promtext import samples, total

WRITE_VERBS = ["create", "update", "patch", "delete", "deletecollection"]
READ_VERBS = ["get", "list", "watch"]

# (kind, verbs, [(apiGroup, [resources])]); matched in this order.
KINDS = [
    ("status", WRITE_VERBS, [("aviary.dev", ["modelreleases/status"])]),
    ("workloads", WRITE_VERBS, [("apps", ["deployments", "deployments/scale"]), ("", ["services"])]),
    ("routes", WRITE_VERBS, [("gateway.networking.k8s.io", ["httproutes"]), ("networking.istio.io", ["virtualservices"])]),
    ("events", WRITE_VERBS, [("", ["events"]), ("events.k8s.io", ["events"])]),
    ("other", WRITE_VERBS, [("*", ["*"])]),
    ("reads", READ_VERBS, [("*", ["*"])]),
]

# The operator's resources in apiserver_request_total (any client): resource → group.
REQUEST_TOTAL_RESOURCES = {"modelreleases": "aviary.dev", "deployments": "apps", "services": "",
                           "httproutes": "gateway.networking.k8s.io", "events": "events.k8s.io"}
REQUEST_TOTAL_VERBS = {"POST", "PUT", "PATCH", "DELETE", "APPLY"}

# Where an operator's service account lands in a real cluster (the "service-accounts" FlowSchema).
PRIORITY_LEVEL = "workload-low"
FIRST_PRECEDENCE = 5000  # after the system schemas (< 1000), before service-accounts (9000)


class RequestCounter:
    def __init__(self, kube, user, run_id, kinds=None):
        self.kube, self.user = kube, user
        self.kinds = kinds or KINDS
        self.names = {kind: f"aviary-bench-{run_id}-{kind}" for kind, _, _ in self.kinds}

    def _flow_schema(self, kind, verbs, rules, precedence):
        return {
            "apiVersion": "flowcontrol.apiserver.k8s.io/v1", "kind": "FlowSchema",
            "metadata": {"name": self.names[kind], "labels": {"app.kubernetes.io/part-of": "aviary-bench"}},
            "spec": {
                "priorityLevelConfiguration": {"name": PRIORITY_LEVEL},
                "matchingPrecedence": precedence,
                "distinguisherMethod": {"type": "ByUser"},
                "rules": [{
                    "subjects": [{"kind": "User", "user": {"name": self.user}}],
                    "resourceRules": [{"verbs": verbs, "apiGroups": [group], "resources": resources,
                                       "namespaces": ["*"], "clusterScope": True}
                                      for group, resources in rules],
                }],
            },
        }

    def install(self):
        for i, (kind, verbs, rules) in enumerate(self.kinds):
            self.kube.create(resource_path("flowschemas"), self._flow_schema(kind, verbs, rules, FIRST_PRECEDENCE + i))

    def uninstall(self):
        for name in self.names.values():
            self.kube.delete(resource_path("flowschemas", name=name))

    def metrics_text(self):
        return self.kube.request("GET", "/metrics", raw=True)

    def read(self, text=None):
        """{kind: requests so far} from the API server's metrics (text, if already fetched)."""
        text = text if text is not None else self.metrics_text()
        by_schema = {}
        for labels, value in samples(text, "apiserver_flowcontrol_dispatched_requests_total"):
            by_schema[labels.get("flow_schema")] = by_schema.get(labels.get("flow_schema"), 0) + value
        return {kind: int(by_schema.get(name, 0)) for kind, name in self.names.items()}


    def server_seconds(self, text):
        """{kind: (requests, seconds executing, seconds queued)} of the user's requests in the API server
        (apiserver_flowcontrol_request_execution_seconds and _wait_duration_seconds)."""
        out = {}
        for kind, name in self.names.items():
            where = lambda labels, name=name: labels.get("flow_schema") == name  # noqa: E731
            out[kind] = (total(text, "apiserver_flowcontrol_request_execution_seconds_count", where),
                         total(text, "apiserver_flowcontrol_request_execution_seconds_sum", where),
                         total(text, "apiserver_flowcontrol_request_wait_duration_seconds_sum", where))
        return out


def writes(counts):
    """The writes among read()'s counts (or a delta of them)."""
    return sum(v for kind, v in counts.items() if kind != "reads")


def request_total_writes(text):
    """apiserver_request_total writes (every client) on the operator's resources: {resource: count}."""
    out = {}
    for labels, value in samples(text, "apiserver_request_total"):
        resource = labels.get("resource")
        if labels.get("verb") in REQUEST_TOTAL_VERBS and resource in REQUEST_TOTAL_RESOURCES \
                and labels.get("group") in (REQUEST_TOTAL_RESOURCES[resource], ""):
            key = resource + ("/" + labels["subresource"] if labels.get("subresource") else "")
            out[key] = out.get(key, 0) + int(value)
    return out


def delta(after, before):
    return {k: after.get(k, 0) - before.get(k, 0) for k in after}


class RateSampler:
    """Samples the user's request count (writes and reads) every `period` seconds on a thread, to tell
    the peak request rate of a stretch of the run (the operator's client paces itself at 50/s, burst 100)."""

    def __init__(self, counter, period=2.0):
        self.counter, self.period = counter, period
        self.samples = []  # (monotonic time, requests so far)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self.stopped.is_set():
            try:
                self.samples.append((time.monotonic(), sum(self.counter.read().values())))
            except Exception:  # a missed sample is only a gap
                pass
            self.stopped.wait(self.period)

    def start(self):
        self.thread.start()

    def stop(self):
        self.stopped.set()

    def peak(self, since, until):
        """The highest rate (requests/s) between two consecutive samples within [since, until]."""
        window = [s for s in self.samples if since <= s[0] <= until]
        rates = [(b[1] - a[1]) / (b[0] - a[0]) for a, b in zip(window, window[1:]) if b[0] > a[0]]
        return max(rates, default=0.0)
