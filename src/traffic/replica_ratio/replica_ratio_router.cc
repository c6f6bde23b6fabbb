#include "traffic/replica_ratio/replica_ratio_router.h"

#include <utility>

#include "aviary/release/replica_split.h"
#include "aviary/workload/names.h"
#include "traffic/weighted_backends.h"

namespace aviary::traffic {
namespace {

class ReplicaRatioRouter final : public Router {
 public:
  explicit ReplicaRatioRouter(k8s::Client& client) : client_(client), applier_(workload::makeKubeWorkloadApplier(client)) {}

  Result<RouteState> getRoutes(const RouteTarget& target) override {
    auto stable = replicasOf(target.release, target.stableVersion);
    if (!stable) return stable.error();
    if (target.canaryVersion.empty() || target.canaryVersion == target.stableVersion) return percentSplit(*stable, 0);
    auto canary = replicasOf(target.release, target.canaryVersion);
    if (!canary) return canary.error();
    return percentSplit(*stable, *canary);
  }

  Result<WriteOutcome> setRoutes(const RouteTarget& target, const TrafficSplit& split) override {
    if (auto valid = validateSplit(split); !valid) return valid.error();
    if (split.canaryVersion.empty() || split.canaryVersion == split.stableVersion) {
      return applier_->scaleDeployment(target.release, split.stableVersion, target.replicas);
    }
    const release::ReplicaSplit want = release::replicaSplit(target.replicas, split.canaryWeight);
    std::pair<std::string, int32_t> first{split.canaryVersion, want.canary}, second{split.stableVersion, want.stable};
    // Growing the canary: it scales up before stable scales down; shrinking it: the other way round.
    auto currentCanary = replicasOf(target.release, split.canaryVersion);
    if (!currentCanary) return currentCanary.error();
    if (want.canary < *currentCanary) std::swap(first, second);

    WriteOutcome outcome;
    for (const auto& [version, replicas] : {first, second}) {
      auto scaled = applier_->scaleDeployment(target.release, version, replicas);
      if (!scaled) return scaled.error();
      outcome.append(*scaled);
    }
    return outcome;
  }

 private:
  Result<int64_t> replicasOf(const workload::ReleaseRef& release, const std::string& version) {
    const std::string name = workload::deploymentName(release.name, version);
    auto live = client_.get(k8s::resources::kDeployments, release.namespace_, name);
    if (!live) {
      if (live.error().code != ErrorCode::NotFound) return live.error();
      return makeError(ErrorCode::NotFound, "Deployment " + release.namespace_ + "/" + name + " not found");
    }
    return (*live)["spec"].value("replicas", int64_t{1});
  }

  k8s::Client& client_;
  workload::WorkloadApplierPtr applier_;
};

}  // namespace

RouterPtr makeReplicaRatioRouter(k8s::Client& client) { return std::make_unique<ReplicaRatioRouter>(client); }

}  // namespace aviary::traffic
