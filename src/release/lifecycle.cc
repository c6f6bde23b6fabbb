// Which version the release should run: first release, rollout start, a newer version superseding
// the canary, the spec set back to stable, the RolledBack hold, and rollbacks in flight.

#include "release/plan_context.h"

namespace aviary::release {
namespace {

std::string modelText(const PlanContext& ctx, const std::string& version) {
  return "model " + ctx.spec().model.name + " version " + version;
}

// The registry may veto a version before anything runs it; an outage never blocks a release (the
// outbox catches up).
bool registryAllows(PlanContext& ctx, const std::string& version) {
  std::string detail = ctx.observed.registryMessage.empty() ? "" : ": " + ctx.observed.registryMessage;
  switch (ctx.observed.registry) {
    case RegistryReadiness::NotFound:
      ctx.next.message = modelText(ctx, version) + " not found in the registry" + detail;
      ctx.setDegraded("ModelVersionNotFound", ctx.next.message);
      ctx.requeueAfter(kRegistryRetryDelay);
      return false;
    case RegistryReadiness::NotReady:
      ctx.next.message = "waiting for " + modelText(ctx, version) + " to be READY in the registry" + detail;
      ctx.requeueAfter(kRegistryRetryDelay);
      return false;
    default:
      return true;
  }
}

// Nothing serves yet: the spec's version becomes stable at once (no canary), Promoted once available.
void planFirstRelease(PlanContext& ctx) {
  auto& n = ctx.next;
  const std::string& version = ctx.spec().model.version;
  n.phase = api::Phase::Pending;
  if (n.stableVersion != version) {
    if (!registryAllows(ctx, version)) return;
    n.stableVersion = version;
    n.canaryVersion.clear();
    n.rolloutStartedAt = ctx.nowText();
    ctx.enterStep(0);
  }
  const DeploymentState& state = ctx.deployment(version);
  if (deploymentAvailable(state, ctx.spec().replicas)) {
    if (!ctx.observed.router.ok) {
      // Serving pods without a route to them is not a release: stay Pending until the route is there.
      n.message = "version " + version + " is available but its traffic cannot be routed: " +
                  ctx.observed.router.message;
      ctx.setDegraded("TrafficRoutingFailed", ctx.observed.router.message);
      ctx.requeueAfter(kRouterRetryDelay);
      return;
    }
    completePromotion(ctx);
    return;
  }
  Duration deadline = std::chrono::seconds(ctx.spec().progressDeadlineSeconds);
  Duration elapsed = ctx.since(n.stepStartedAt);
  if (state.progressDeadlineExceeded || elapsed >= deadline) {
    n.message = "version " + version + " did not become available within " +
                std::to_string(ctx.spec().progressDeadlineSeconds) + "s";
    ctx.setDegraded("ProgressDeadlineExceeded", n.message);  // nothing older to roll back to
    return;
  }
  n.message = "waiting for version " + version + " to be available (" + std::to_string(state.availableReplicas) +
              "/" + std::to_string(ctx.spec().replicas) + " replicas)";
  ctx.requeueAfter(deadline - elapsed);
}

// A newer version replaces the canary mid-rollout; the stable version is untouched.
void supersedeCanary(PlanContext& ctx) {
  auto& n = ctx.next;
  const std::string old = n.canaryVersion;
  const std::string& version = ctx.spec().model.version;
  if (canaryRouted(ctx) && !ctx.observed.router.ok) {
    // Traffic still reaches the old canary and cannot be moved yet.
    ctx.setDegraded("TrafficRoutingFailed", ctx.observed.router.message);
    n.message = "version " + version + " waits: traffic to superseded version " + old + " cannot be moved: " +
                ctx.observed.router.message;
    ctx.requeueAfter(kRouterRetryDelay);
    return;
  }
  std::string message = "version " + old + " superseded by version " + version;
  ctx.addHistory(old, "Superseded", message);
  ctx.event(EventType::Normal, "Superseded", message);
  ctx.actions.push_back(StopAnalysis{""});
  n.canaryVersion.clear();
  n.canaryWeight = 0;
  n.phase = api::Phase::Progressing;
  startRollout(ctx);
}

}  // namespace

bool startRollout(PlanContext& ctx) {
  auto& n = ctx.next;
  const std::string& version = ctx.spec().model.version;
  if (!registryAllows(ctx, version)) return false;
  n.canaryVersion = version;
  n.canaryWeight = 0;
  clearCanaryRoutes(n);
  n.rolledBackVersion.clear();
  n.approvals.clear();
  n.rolloutStartedAt = ctx.nowText();
  ctx.enterStep(0);
  n.phase = api::Phase::Progressing;
  n.message = "rolling out version " + version + " (stable " + n.stableVersion + ")";
  queueRegistryRecord(ctx, "started", version, {{"stableVersion", n.stableVersion}}, "challenger");
  return true;
}

void reconcileVersion(PlanContext& ctx) {
  auto& n = ctx.next;
  const std::string& version = ctx.spec().model.version;

  if (n.stableVersion.empty() || n.phase == api::Phase::Pending) {
    planFirstRelease(ctx);
    return;
  }
  if (n.phase == api::Phase::RollingBack) {
    if (n.canaryVersion.empty()) {
      continueRollBackToPrevious(ctx);
    } else {
      resumeRollBackCanary(ctx);
    }
    return;
  }
  if (!n.canaryVersion.empty()) {
    if (version == n.canaryVersion) return;
    if (version == n.stableVersion) {
      rollBackCanary(ctx, "SpecReverted", "spec.model.version set back to stable version " + version);
      return;
    }
    supersedeCanary(ctx);
    return;
  }
  if (version == n.stableVersion) {
    if (n.phase != api::Phase::Promoted && n.phase != api::Phase::RolledBack &&
        !blueGreenVerifying(n, ctx.spec())) {
      // e.g. a rollout that never started (registry) and the spec went back to stable.
      n.phase = api::Phase::Promoted;
      n.message = "version " + version + " serves all traffic";
    }
    return;
  }
  // A rolled back version is not retried until the spec changes (any edit) or a `retry` request.
  bool specChanged = ctx.release.metadata.generation != ctx.release.status.observedGeneration;
  if (version == n.rolledBackVersion && !specChanged) return;
  if (blueGreenVerifying(n, ctx.spec())) ctx.actions.push_back(StopAnalysis{""});
  startRollout(ctx);
}

}  // namespace aviary::release
