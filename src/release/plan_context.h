#pragma once
// The state of one planning pass, shared by the planner's files: the inputs, the status being built,
// the actions so far and the earliest requeue. Internal to src/release.

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "aviary/api/router_kinds.h"
#include "aviary/release/planner.h"
#include "aviary/release/replica_split.h"

namespace aviary::release {

struct PlanContext {
  PlanContext(const api::ModelRelease& r, const Observed& o, TimePoint t)
      : release(r), observed(o), now(t), next(r.status) {}

  const api::ModelRelease& release;
  const Observed& observed;
  const TimePoint now;
  api::ModelReleaseStatus next;  // the status being planned; starts as the last one

  std::vector<Action> actions;  // everything except workload, service and traffic actions (topology.cc)
  std::optional<Duration> requeue;
  std::optional<std::pair<std::string, std::string>> degraded;  // reason, message of Degraded=True

  // Replica sizing hints from the strategies (see topology.cc): the weight the canary's replicas are
  // sized for when it differs from next.canaryWeight, or an explicit canary replica count.
  std::optional<int32_t> sizingWeight;
  std::optional<int32_t> canaryReplicas;

  // A promote / promote-full request waiting for the strategy to act on it; consumed = it did.
  bool promoteRequested = false;
  bool promoteFullRequested = false;
  bool requestConsumed = false;

  const api::ModelReleaseSpec& spec() const { return release.spec; }
  std::string nowText() const { return formatRfc3339(now); }

  void requeueAfter(Duration d);  // keeps the earliest
  void event(EventType type, std::string reason, std::string message);
  void setDegraded(std::string reason, std::string message);
  void enterStep(int32_t index);  // currentStepIndex and stepStartedAt
  void addHistory(const std::string& version, const std::string& outcome, std::string message);
  // Time elapsed since a status timestamp; zero when the timestamp is missing or malformed.
  Duration since(const std::string& rfc3339) const;

  // The deployment of a version as observed (a default, non-existing one when absent).
  const DeploymentState& deployment(const std::string& version) const;
  // The stage's verdict, nullopt when the stage has not started.
  std::optional<AnalysisVerdict> verdict(const std::string& stage) const;
};

// ---- shared vocabulary ----------------------------------------------------------------------------

using api::isBlueGreen;
using api::splitsByReplicas;
bool rolloutActive(const api::ModelReleaseStatus& status, const api::ModelReleaseSpec& spec);

// ---- lifecycle.cc: which version the release should run -----------------------------------------
// Handles first release, rollout start, supersede, spec reverted to stable, the RolledBack hold and
// the continuation of a rollback in flight. Afterwards, rolloutActive(next) tells whether the strategy
// has a step to run.
void reconcileVersion(PlanContext& ctx);
// Starts the rollout of spec.model.version from step 0. False (with a message and a requeue) when the
// registry says the version is missing or not ready.
bool startRollout(PlanContext& ctx);

// ---- requests.cc --------------------------------------------------------------------------------
// Before the strategy: abort, rollback and retry act at once; promote and promote-full set flags the
// strategy consumes. After the strategy, finishRequest reports a promote nothing could use.
void applyRequest(PlanContext& ctx);
void finishRequest(PlanContext& ctx);

// ---- canary_strategy.cc / blue_green_strategy.cc -------------------------------------------------
void planCanary(PlanContext& ctx);
void planBlueGreen(PlanContext& ctx);
// Blue-green: the post-promotion check runs with the new version already stable and no canary.
bool blueGreenVerifying(const api::ModelReleaseStatus& status, const api::ModelReleaseSpec& spec);

// ---- rollout_waits.cc: waits shared by both strategies --------------------------------------------
// Whether the canary runs `replicas` available pods. If not: waits (requeue at the deadline), or on a
// missed progress deadline fails the rollout. False means "stop this pass".
bool canaryAvailable(PlanContext& ctx, int32_t replicas);
bool deploymentAvailable(const DeploymentState& state, int32_t replicas);
enum class StageResult { Passed, Waiting, Stopped };
// Runs one analysis stage of `version` against `baseline`: starts it, waits for it, and on Fail or
// Inconclusive acts (see docs/planner.md).
StageResult runAnalysisStage(PlanContext& ctx, const std::string& stage, const std::vector<std::string>& gates,
                             const std::string& version, const std::string& baseline);
// A failed check: rolls back when spec.rollback.automatic, else pauses with Degraded=True.
void failRollout(PlanContext& ctx, const std::string& reason, const std::string& message);

// ---- promotion.cc -------------------------------------------------------------------------------
// Scales the canary to full size, then makes it the stable version (traffic 100% to it) and keeps the
// old one warm until scaleDownAt. False while it waits (availability, registry, router).
bool switchToCanary(PlanContext& ctx);
// Marks the stable version promoted: phase Promoted, history, registry record.
void completePromotion(PlanContext& ctx);

// ---- rollback.cc: the fast path -----------------------------------------------------------------
// Traffic back to the stable version in one SetTraffic (emitted by topology.cc), canary deleted after,
// rolledBackVersion := canary, registry record, Degraded=True with reason. When the router cannot
// move traffic, the release waits in RollingBack and resumeRollBackCanary finishes the job later.
void rollBackCanary(PlanContext& ctx, const std::string& reason, const std::string& message);
void resumeRollBackCanary(PlanContext& ctx);
// Makes previousStableVersion the stable version again (request `rollback`, or blue-green's failed
// post-promotion analysis): at once when its Deployment is warm, else RollingBack until it is.
void rollBackToPrevious(PlanContext& ctx, const std::string& reason, const std::string& message);
void continueRollBackToPrevious(PlanContext& ctx);

// ---- registry_records.cc ------------------------------------------------------------------------
// Appends a record to next.registrySync (the outbox the act layer drains) unless its key is queued
// already or the history shows the event happened. Key: <uid>/<generation>/<event>-<version>-<rollout
// start>[-<qualifier>].
void queueRegistryRecord(PlanContext& ctx, const std::string& event, const std::string& version,
                         std::map<std::string, std::string> tags, const std::string& alias = "",
                         const std::string& removeAlias = "", const std::string& qualifier = "");

// ---- replica_math.cc ----------------------------------------------------------------------------
// Replicas for the stable and canary versions at a canary weight, per router kind (the replica ratio:
// replicaSplit, aviary/release/replica_split.h).
ReplicaSplit canaryReplicaPlan(const api::ModelReleaseSpec& spec, int32_t weight);

// ---- canary_routes.cc: mirror and header routes ------------------------------------------------
// The header conditions of each route, in order, in the form they are compared in
// (api::normalizedHeaderMatch): what routers report back.
using HeaderMatches = std::vector<std::vector<api::HeaderMatch>>;
HeaderMatches headerMatchesOf(const std::vector<api::HeaderRoute>& routes);
HeaderMatches normalized(HeaderMatches matches);
// A setHeaderRoute step on the routes in effect: adds or replaces the route of that name; without
// match, removes it.
void applyHeaderRoute(std::vector<api::HeaderRoute>& routes, const api::HeaderRoute& step);
// No mirror, no header route: what a status without a canary carries.
void clearCanaryRoutes(api::ModelReleaseStatus& status);
// Whether any request reaches the canary now (weight, mirror or header route), as the router reports
// it or, when it did not, as the last status says.
bool canaryRouted(const PlanContext& ctx);
// The canary only receives mirrored copies: it serves no user ("shadow").
bool shadowOnly(const api::ModelReleaseStatus& status);
// The share of the release's requests the canary's pods must handle: its weight or its mirror.
int32_t canarySizingShare(const api::ModelReleaseStatus& status);

// ---- topology.cc --------------------------------------------------------------------------------
// The Deployments, Services and traffic split the planned status implies, diffed against what was
// observed: sets plan.actions to only the actions needed, in a safe order, and says whether the
// workload writes among them may go at once (plan.trafficLeavesCanary).
void planTopology(PlanContext& ctx, Plan& plan);

// ---- conditions.cc ------------------------------------------------------------------------------
void setCondition(std::vector<api::Condition>& conditions, const std::string& type, const std::string& status,
                  const std::string& reason, const std::string& message, int64_t generation,
                  const std::string& now);
void updateConditions(PlanContext& ctx);

}  // namespace aviary::release
