// WorkloadApplier over k8s::Client: read the live object, diff it with the built one (object_diff),
// write only the difference.

#include "aviary/workload/applier.h"

#include <vector>

#include "aviary/workload/names.h"
#include "aviary/workload/objects.h"
#include "aviary/workload/writes_at_once.h"
#include "workload/object_diff.h"
#include "workload/ownership.h"

namespace aviary::workload {
namespace {

namespace resources = k8s::resources;
using PatchFn = std::optional<Json> (*)(const Json& live, const Json& desired);

ObjectWrite recordWrite(const k8s::ResourceType& type, const std::string& ns, const std::string& name,
                        const char* verb, const Json& written) {
  std::string resourceVersion;
  if (written.is_object() && written.contains("metadata")) {
    resourceVersion = written["metadata"].value("resourceVersion", "");
  }
  return ObjectWrite{type.kind, ns, name, verb, resourceVersion};
}

class KubeWorkloadApplier final : public WorkloadApplier {
 public:
  explicit KubeWorkloadApplier(k8s::Client& client) : client_(client) {}

  Result<WriteOutcome> ensureDeployment(const api::ModelRelease& release, const std::string& version,
                                        int32_t replicas, const std::optional<std::string>& modelUri) override {
    return ensure(resources::kDeployments, buildDeployment(release, version, replicas, modelUri), release,
                  deploymentPatch);
  }

  Result<WriteOutcome> scaleDeployment(const ReleaseRef& release, const std::string& version,
                                       int32_t replicas) override {
    const std::string name = deploymentName(release.name, version);
    auto live = readOwned(resources::kDeployments, release, name);
    if (!live) return live.error();
    WriteOutcome outcome;
    if (live->is_null()) {
      return makeError(ErrorCode::NotFound, describeObject("Deployment", release.namespace_, name) + " not found");
    }
    if ((*live)["spec"].value("replicas", -1) == replicas) return outcome;
    auto written = client_.patch(resources::kDeployments, release.namespace_, name, k8s::PatchType::Merge,
                                 {{"spec", {{"replicas", replicas}}}});
    if (!written) return written.error();
    outcome.add(recordWrite(resources::kDeployments, release.namespace_, name, "patch", *written));
    return outcome;
  }

  Result<WriteOutcome> deleteDeployment(const ReleaseRef& release, const std::string& version) override {
    const std::string name = deploymentName(release.name, version);
    auto live = readOwned(resources::kDeployments, release, name);
    if (!live) return live.error();
    WriteOutcome outcome;
    if (live->is_null()) return outcome;
    k8s::DeleteOptions options;
    options.preconditionUid = (*live)["metadata"].value("uid", "");
    auto removed = client_.remove(resources::kDeployments, release.namespace_, name, options);
    if (!removed && removed.error().code != ErrorCode::NotFound) return removed.error();
    if (removed) outcome.add(recordWrite(resources::kDeployments, release.namespace_, name, "delete", Json()));
    return outcome;
  }

  Result<WriteOutcome> ensureServices(const api::ModelRelease& release, const std::string& stableVersion,
                                      const std::string& canaryVersion) override {
    ServiceSet services = buildServices(release, stableVersion, canaryVersion);
    // The three are independent: those that need a write get it at once, so a first release waits for
    // one round trip instead of three. Reads come from the cache; most passes write none.
    std::vector<const Json*> stale;
    for (const Json* service : {&services.stable, &services.canary, &services.root}) {
      auto live = readOwned(resources::kServices, releaseRef(release), (*service)["metadata"]["name"]);
      if (!live) return live.error();
      if (live->is_null() || servicePatch(*live, *service)) stale.push_back(service);
    }
    std::vector<Write> writes;
    for (const Json* service : stale) {
      writes.push_back([this, &release, service] { return ensure(resources::kServices, *service, release, servicePatch); });
    }
    std::vector<Result<WriteOutcome>> results = writeAtOnce(writes);
    WriteOutcome outcome;
    for (auto& one : results) {
      if (!one) return one.error();
      outcome.append(*one);
    }
    return outcome;
  }

 private:
  // The live object (null when absent) after checking that no other controller owns it.
  Result<Json> readOwned(const k8s::ResourceType& type, const ReleaseRef& release, const std::string& name) {
    auto live = client_.get(type, release.namespace_, name);
    if (!live) {
      if (live.error().code == ErrorCode::NotFound) return Json();
      return live.error();
    }
    if (auto owned = checkControlledBy(*live, release.name, release.uid); !owned) return owned.error();
    return live;
  }

  Result<WriteOutcome> ensure(const k8s::ResourceType& type, const Json& desired, const api::ModelRelease& release,
                              PatchFn diff) {
    const std::string& ns = release.metadata.namespace_;
    const std::string name = desired["metadata"]["name"];
    WriteOutcome outcome;
    auto live = readOwned(type, releaseRef(release), name);
    if (!live) return live.error();
    if (live->is_null()) {
      auto created = client_.create(type, ns, desired);
      if (created) {
        outcome.add(recordWrite(type, ns, name, "create", *created));
        return outcome;
      }
      // Someone created it between our read and our write: diff against theirs instead.
      if (created.error().code != ErrorCode::AlreadyExists) return created.error();
      live = readOwned(type, releaseRef(release), name);
      if (!live) return live.error();
      if (live->is_null()) return makeError(ErrorCode::Conflict, describeObject(type.kind, ns, name) + " is being replaced");
    }
    std::optional<Json> patch = diff(*live, desired);
    if (!patch) return outcome;
    auto patched = client_.patch(type, ns, name, k8s::PatchType::Merge, *patch);
    if (!patched) return patched.error();
    outcome.add(recordWrite(type, ns, name, "patch", *patched));
    return outcome;
  }

  k8s::Client& client_;
};

}  // namespace

ReleaseRef releaseRef(const api::ModelRelease& release) {
  return ReleaseRef{release.metadata.namespace_, release.metadata.name, release.metadata.uid};
}

WorkloadApplierPtr makeKubeWorkloadApplier(k8s::Client& client) {
  return std::make_unique<KubeWorkloadApplier>(client);
}

}  // namespace aviary::workload
