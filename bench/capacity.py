"""Room on the local cluster for one benchmark run, added before it and removed after it.

- Service addresses: a release owns three Services. The cluster's Service range (hack/cluster.sh,
  10.0.0.0/16 now, a /24 of 84 releases before) is shared with every other test, so the run adds a
  ServiceCIDR of its own (a /16, networking.k8s.io/v1; ranges may overlap) without restarting the API
  server.
- Pods: the three kwok Nodes take 1,000 pods each. The run adds fake Nodes of its own (kwok manages
  every Node annotated kwok.x-k8s.io/node=fake), tainted so only the bench's pods, which tolerate the
  taint and select the Nodes, run there.
Every object is named after the run, so concurrent runs do not touch each other's."""
import math

from kube import resource_path

PODS_PER_NODE = 1000
TAINT_KEY = "aviary.dev/bench"
SERVICE_RANGE = "10.96.0.0/16"


class Capacity:
    def __init__(self, kube, run_id, pods):
        self.kube, self.run_id = kube, run_id
        self.node_label = f"aviary-bench-{run_id}"
        self.nodes = [f"aviary-bench-{run_id}-{i}" for i in range(math.ceil(pods / PODS_PER_NODE))]
        self.service_cidr = f"aviary-bench-{run_id}"

    def add(self):
        self.kube.create(resource_path("servicecidrs"), {
            "apiVersion": "networking.k8s.io/v1", "kind": "ServiceCIDR",
            "metadata": {"name": self.service_cidr}, "spec": {"cidrs": [SERVICE_RANGE]}})
        for name in self.nodes:
            self.kube.create(resource_path("nodes"), self._node(name))

    def remove(self):
        """After the namespace is deleted: the Nodes, then the range (the API server keeps it, with a
        finalizer, until the namespace's Services have released their addresses)."""
        for name in self.nodes:
            self.kube.delete(resource_path("nodes", name=name))
        self.kube.delete(resource_path("servicecidrs", name=self.service_cidr))

    def _node(self, name):
        return {
            "apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name,
                         "annotations": {"kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0"},
                         "labels": {"kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "type": "kwok",
                                    TAINT_KEY: self.node_label}},
            "spec": {"taints": [{"key": TAINT_KEY, "value": self.node_label, "effect": "NoSchedule"}]},
            "status": {"allocatable": {"cpu": "640", "memory": "2560Gi", "pods": str(PODS_PER_NODE)},
                       "capacity": {"cpu": "640", "memory": "2560Gi", "pods": str(PODS_PER_NODE)},
                       "nodeInfo": {"architecture": "amd64", "kubeletVersion": "fake", "operatingSystem": "linux"}},
        }

    def pod_placement(self):
        """What the bench's pod template adds so its pods run on the run's Nodes only."""
        return {"nodeSelector": {TAINT_KEY: self.node_label},
                "tolerations": [{"key": TAINT_KEY, "operator": "Equal", "value": self.node_label,
                                 "effect": "NoSchedule"}]}
