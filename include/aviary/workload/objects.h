#pragma once
// The Deployments and Services aviary owns for a ModelRelease, built as JSON objects from the spec.
// Pure functions (no I/O), thread-safe; the WorkloadApplier compares them with the live objects.

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "aviary/api/model_release.h"

namespace aviary::workload {

using Json = nlohmann::json;

// On every Deployment aviary builds: a hash of everything aviary sets except replicas, so the applier
// knows an update is due without diffing a server-defaulted pod template.
inline constexpr const char* kSpecHashAnnotation = "aviary.dev/spec-hash";

// The environment variables aviary sets on every container (overriding the user's of the same name).
inline constexpr const char* kModelNameEnv = "MODEL_NAME";
inline constexpr const char* kModelVersionEnv = "MODEL_VERSION";
inline constexpr const char* kModelUriEnv = "MODEL_URI";

// The ownerReference that makes the release the controller of an object (garbage collection, and the
// applier refuses to touch objects another controller owns).
Json ownerReference(const api::ModelRelease& release);

// The Deployment for one version of the release: name deploymentName(release, version); labels
// aviary.dev/release and aviary.dev/model-version on the Deployment, its selector and the pod template
// (merged over the template's own labels); MODEL_NAME, MODEL_VERSION and, when modelUri is set,
// MODEL_URI on every container and init container; the owner reference; the spec-hash annotation.
Json buildDeployment(const api::ModelRelease& release, const std::string& version, int32_t replicas,
                     const std::optional<std::string>& modelUri = std::nullopt);

struct ServiceSet {
  Json stable;  // <release>-stable: the stable version's pods
  Json canary;  // <release>-canary: the canary version's pods (the stable's when there is no canary)
  Json root;    // <release>: what clients call
};

// The three Services of a release, ports from spec.service. The root Service selects the stable
// version, except with the replica-ratio router (a canary strategy without trafficRouting), where the
// split is the ratio of pods behind one Service: there it selects every version of the release.
// An empty canaryVersion makes the canary Service select the stable version, so routes that already
// reference it keep a valid backend between rollouts.
ServiceSet buildServices(const api::ModelRelease& release, const std::string& stableVersion,
                         const std::string& canaryVersion);

// Whether a live object already is what aviary builds (desired), i.e. the WorkloadApplier would write
// nothing: what the operator reads from its caches to notice drift (a Service deleted or edited, a
// Deployment's pod template edited by hand) without a request. Fields aviary does not set, server
// defaults among them, are not drift. deploymentMatches compares replicas too: build desired with the
// live count to ask about the rest.
bool deploymentMatches(const Json& live, const Json& desired);
bool serviceMatches(const Json& live, const Json& desired);

}  // namespace aviary::workload
