#pragma once
// WorkloadApplier: makes the live Deployments and Services of a release match what objects.h builds,
// writing only what differs. It is what the operator's act layer calls for EnsureDeployment,
// ScaleDeployment, DeleteDeployment and EnsureServices; every call is idempotent and reports the writes
// it made (none when the live objects already match).
//
// Objects another controller owns (a controller ownerReference with another uid) are never modified:
// the call fails with AlreadyExists naming the owner. Objects without a controller are adopted.
// Thread-safety: implementations are safe to call concurrently, for different releases and for
// different objects of one release (the act layer sends a rollback's writes at once).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "aviary/api/model_release.h"
#include "aviary/common/result.h"
#include "aviary/k8s/client.h"
#include "aviary/workload/write_outcome.h"

namespace aviary::workload {

// The identity of a release, for calls that need no spec.
struct ReleaseRef {
  std::string namespace_;
  std::string name;
  std::string uid;  // of the ModelRelease: checked against the owner reference before scaling/deleting
};

ReleaseRef releaseRef(const api::ModelRelease& release);

class WorkloadApplier {
 public:
  virtual ~WorkloadApplier() = default;

  // Creates the version's Deployment, or merge-patches it when its spec hash or replicas differ from
  // buildDeployment's. Fields other controllers set (annotations, labels, status) are kept.
  virtual Result<WriteOutcome> ensureDeployment(const api::ModelRelease& release, const std::string& version,
                                                int32_t replicas,
                                                const std::optional<std::string>& modelUri = std::nullopt) = 0;

  // Sets spec.replicas of the version's Deployment when different. NotFound when it does not exist.
  virtual Result<WriteOutcome> scaleDeployment(const ReleaseRef& release, const std::string& version,
                                               int32_t replicas) = 0;

  // Deletes the version's Deployment; already gone is success with no write.
  virtual Result<WriteOutcome> deleteDeployment(const ReleaseRef& release, const std::string& version) = 0;

  // Creates or patches the three Services of buildServices; clusterIP and fields aviary does not set are
  // never touched.
  virtual Result<WriteOutcome> ensureServices(const api::ModelRelease& release, const std::string& stableVersion,
                                              const std::string& canaryVersion) = 0;
};

using WorkloadApplierPtr = std::unique_ptr<WorkloadApplier>;

// The applier over the Kubernetes API. client must outlive it. Reads go through client.get: the
// operator may hand in a client whose reads are served from its watch cache.
WorkloadApplierPtr makeKubeWorkloadApplier(k8s::Client& client);

}  // namespace aviary::workload
