#pragma once
// What the reconcile pass observed before planning: read from the watch cache and from the other
// components (validation, router, gate assessor, approval intake, model registry). Plain values; the
// planner never reads anything else, so the same Observed and status always give the same plan.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "aviary/api/decode.h"
#include "aviary/api/model_release.h"
#include "aviary/common/clock.h"

namespace aviary::release {

// One version's Deployment (owned objects are listed by the aviary.dev/model-version label).
struct DeploymentState {
  bool exists = false;
  bool upToDate = true;          // false: the live object differs from what aviary builds (spec hash)
  int32_t desiredReplicas = 0;   // .spec.replicas
  int32_t updatedReplicas = 0;   // .status.updatedReplicas
  int32_t availableReplicas = 0; // .status.availableReplicas
  bool progressDeadlineExceeded = false;  // Progressing=False reason ProgressDeadlineExceeded
};

// The live Services, as the last plan left them: the versions they were made for (status) and whether
// all three still are what aviary builds for those versions (false: one was deleted or edited).
struct ServiceState {
  std::string stableVersion;
  std::string canaryVersion;
  bool upToDate = true;
};

// The router's view. ok=false when the route object is missing or the router failed; message says
// why ("HTTPRoute ml/fraud-scorer not found").
struct RouterState {
  bool ok = true;
  std::string message;
  std::optional<int32_t> canaryWeight;  // effective canary weight when the router reported it
  std::optional<int32_t> mirrorPercent;  // share mirrored to the canary, when the router reported it
  // The header conditions of the routes to the canary in effect, in order, when the router reported them.
  std::optional<std::vector<std::vector<api::HeaderMatch>>> headerMatches;
};

// The aggregated verdict of one analysis stage, as the gate assessor reports it. A stage with no
// entry in Observed::analyses has not been started.
enum class AnalysisPhase { Running, Pass, Fail, Inconclusive, Error };
struct AnalysisVerdict {
  AnalysisPhase phase = AnalysisPhase::Running;
  std::string message;  // names the deciding gates and their numbers
};

// A decision on the current approval step, already authorized by the caller (SubjectAccessReview,
// groups/users of the step, revision not stale).
struct ApprovalDecision {
  std::string name;  // ReleaseApproval object name
  bool approve = true;
  std::string approvedBy;
  std::string comment;
  TimePoint time{};
};

enum class RequestKind { Promote, PromoteFull, Abort, Rollback, Retry, Unknown };
struct UserRequest {
  RequestKind kind = RequestKind::Unknown;
  std::string id;    // aviary.dev/request-id; a request without an id is never acted upon
  std::string text;  // the annotation value as written (for messages about unknown requests)
  // aviary.dev/requested-by: the requester as the admission policy verified it; "" when the request
  // names nobody (written by an older client or by hand): recorded as unverified.
  std::string requestedBy;
};

// The aviary.dev/request, aviary.dev/request-id and aviary.dev/requested-by annotations, when present.
std::optional<UserRequest> requestFromAnnotations(const api::ObjectMeta& metadata);

// Whether the model registry has the version being released.
enum class RegistryReadiness {
  Unknown,      // no registry configured, or not asked
  Ready,
  NotFound,     // the version does not exist: the rollout does not start
  NotReady,     // registered but not READY yet: the rollout waits
  Unavailable,  // registry outage: releases proceed (the outbox catches up later)
};

struct Observed {
  api::FieldErrors specErrors;  // from api::validate; non-empty → phase Invalid and no actions
  std::map<std::string, DeploymentState> deployments;  // by model version
  std::optional<ServiceState> services;  // nullopt: not observed (cache behind our write): trust status
  RouterState router;
  std::map<std::string, AnalysisVerdict> analyses;  // by stage name (see actions.h)
  std::vector<ApprovalDecision> approvals;          // for the current step
  std::optional<UserRequest> request;
  RegistryReadiness registry = RegistryReadiness::Unknown;  // of spec.model.version
  std::string registryMessage;
};

}  // namespace aviary::release
