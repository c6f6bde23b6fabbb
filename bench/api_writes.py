"""The operator's API writes, as counted by kube-apiserver itself.

apiserver_request_total has no client label: on a shared cluster it also counts kube-controller-
manager's and the scheduler's writes (Deployment status, Events for every pod) and other test runs.
So the benchmark runs the operator as a user of its own and gives API Priority and Fairness one
FlowSchema per kind of write that matches only that user's create/update/patch/delete requests;
apiserver_flowcontrol_dispatched_requests_total{flow_schema} is then the API server's count of exactly
the operator's writes, by kind. apiserver_request_total is still read, for the record, over the same
resources (all clients)."""
from kube import resource_path
from promtext import samples

WRITE_VERBS = ["create", "update", "patch", "delete", "deletecollection"]

# (kind, [(apiGroup, [resources])]); matched in this order, "other" catches the rest.
KINDS = [
    ("status", [("aviary.dev", ["modelreleases/status"])]),
    ("workloads", [("apps", ["deployments", "deployments/scale"]), ("", ["services"])]),
    ("routes", [("gateway.networking.k8s.io", ["httproutes"]), ("networking.istio.io", ["virtualservices"])]),
    ("events", [("", ["events"]), ("events.k8s.io", ["events"])]),
    ("other", [("*", ["*"])]),
]

# The operator's resources in apiserver_request_total (any client): resource → group.
REQUEST_TOTAL_RESOURCES = {"modelreleases": "aviary.dev", "deployments": "apps", "services": "",
                           "httproutes": "gateway.networking.k8s.io", "events": "events.k8s.io"}
REQUEST_TOTAL_VERBS = {"POST", "PUT", "PATCH", "DELETE", "APPLY"}

# Where an operator's service account lands in a real cluster (the "service-accounts" FlowSchema).
PRIORITY_LEVEL = "workload-low"
FIRST_PRECEDENCE = 5000  # after the system schemas (< 1000), before service-accounts (9000)


class WriteCounter:
    def __init__(self, kube, user, run_id):
        self.kube, self.user = kube, user
        self.names = {kind: f"aviary-bench-{run_id}-{kind}" for kind, _ in KINDS}

    def _flow_schema(self, kind, rules, precedence):
        return {
            "apiVersion": "flowcontrol.apiserver.k8s.io/v1", "kind": "FlowSchema",
            "metadata": {"name": self.names[kind], "labels": {"app.kubernetes.io/part-of": "aviary-bench"}},
            "spec": {
                "priorityLevelConfiguration": {"name": PRIORITY_LEVEL},
                "matchingPrecedence": precedence,
                "distinguisherMethod": {"type": "ByUser"},
                "rules": [{
                    "subjects": [{"kind": "User", "user": {"name": self.user}}],
                    "resourceRules": [{"verbs": WRITE_VERBS, "apiGroups": [group], "resources": resources,
                                       "namespaces": ["*"], "clusterScope": True}
                                      for group, resources in rules],
                }],
            },
        }

    def install(self):
        for i, (kind, rules) in enumerate(KINDS):
            self.kube.create(resource_path("flowschemas"), self._flow_schema(kind, rules, FIRST_PRECEDENCE + i))

    def uninstall(self):
        for name in self.names.values():
            self.kube.delete(resource_path("flowschemas", name=name))

    def metrics_text(self):
        return self.kube.request("GET", "/metrics", raw=True)

    def read(self, text=None):
        """{kind: writes so far} from the API server's metrics (text, if already fetched)."""
        text = text if text is not None else self.metrics_text()
        by_schema = {}
        for labels, value in samples(text, "apiserver_flowcontrol_dispatched_requests_total"):
            by_schema[labels.get("flow_schema")] = by_schema.get(labels.get("flow_schema"), 0) + value
        return {kind: int(by_schema.get(name, 0)) for kind, name in self.names.items()}


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
