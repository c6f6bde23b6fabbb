#pragma once
// What the planner asks the operator's act layer to do. Each action is a small value; the act layer
// executes them in order and idempotently (repeating a plan after a crash is harmless), so the planner
// may re-emit an action whenever the live state differs from what it wants.

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "aviary/api/model_release.h"

namespace aviary::release {

// Create or update the Deployment of one model version (workload::buildDeployment) at `replicas`.
struct EnsureDeployment {
  std::string version;
  int32_t replicas = 0;
  bool operator==(const EnsureDeployment&) const = default;
};

// Change only the replica count of an existing, up-to-date Deployment.
struct ScaleDeployment {
  std::string version;
  int32_t replicas = 0;
  bool operator==(const ScaleDeployment&) const = default;
};

struct DeleteDeployment {
  std::string version;
  bool operator==(const DeleteDeployment&) const = default;
};

// The Services <release>-stable, <release>-canary and <release> (workload::buildServices). An empty
// canaryVersion makes the canary Service select the stable version. Blue-green: the preview is the
// canary Service.
struct EnsureServices {
  std::string stableVersion;
  std::string canaryVersion;
  bool operator==(const EnsureServices&) const = default;
};

// Put a traffic split into effect through the release's router (mesh route weights, or replica
// ratio). canaryVersion "" means all traffic to the stable version (canaryWeight 0, no mirror, no
// header route). mirrorPercent and headerRoutes are the mesh routers' only (validation keeps them off
// the replica ratio).
struct SetTraffic {
  std::string stableVersion;
  std::string canaryVersion;
  int32_t canaryWeight = 0;
  int32_t mirrorPercent = 0;
  std::vector<api::HeaderRoute> headerRoutes;
  bool operator==(const SetTraffic&) const = default;
};

// Start measuring the gates of one analysis stage (see the stage names below) against canaryVersion,
// with baselineVersion as the comparison for compare judges. Emitted only while the caller reports no
// verdict for the stage, so it is not repeated once the analysis runs.
struct StartAnalysis {
  std::string stage;
  std::vector<std::string> gates;
  std::string canaryVersion;
  std::string baselineVersion;
  bool operator==(const StartAnalysis&) const = default;
};

// Stop measuring a stage; an empty stage stops every analysis of the release.
struct StopAnalysis {
  std::string stage;
  bool operator==(const StopAnalysis&) const = default;
};

enum class EventType { Normal, Warning };

// A Kubernetes Event on the release (reason CamelCase).
struct RecordEvent {
  EventType type = EventType::Normal;
  std::string reason;
  std::string message;
  bool operator==(const RecordEvent&) const = default;
};

// The aviary.dev/request annotation with this id was acted upon (or ignored with a Warning event), now
// or by an earlier pass. status.lastHandledRequest holds the id in the plan's status; once that status
// is written, the act layer removes the aviary.dev/request and aviary.dev/request-id annotations (only
// while the id is still this one, so a newer request is never lost).
//
// Registry records need no action: the planner appends them to status.registrySync (the outbox), which
// the act layer drains after every pass.
struct MarkRequestHandled {
  std::string id;
  bool operator==(const MarkRequestHandled&) const = default;
};

using Action = std::variant<EnsureDeployment, ScaleDeployment, DeleteDeployment, EnsureServices, SetTraffic,
                            StartAnalysis, StopAnalysis, RecordEvent, MarkRequestHandled>;

// One line for logs and test failure messages, e.g. "SetTraffic(stable=6 canary=7 weight=10)".
std::string describe(const Action& action);

// Names of analysis stages. A stage name carries the canary version so that a verdict left over from
// an earlier rollout can never be read as the verdict of the current one.
std::string stepStage(const std::string& version, int32_t stepIndex);  // "7/step-2"
std::string backgroundStage(const std::string& version);               // "7/background"
std::string prePromotionStage(const std::string& version);             // "7/pre-promotion"
std::string postPromotionStage(const std::string& version);            // "7/post-promotion"

}  // namespace aviary::release
