// The rollback fast path, shared by both strategies: traffic to the stable version in one write,
// never walking back through the steps.

#include <algorithm>

#include "release/plan_context.h"

namespace aviary::release {
namespace {

// History outcome: a human or the spec asked for it (Aborted), or a check failed (RolledBack).
std::string outcomeFor(const std::string& reason) {
  return reason == "Aborted" || reason == "SpecReverted" ? "Aborted" : "RolledBack";
}

const api::Condition* findCondition(const api::ModelReleaseStatus& status, const std::string& type) {
  auto it = std::find_if(status.conditions.begin(), status.conditions.end(),
                         [&](const api::Condition& c) { return c.type == type; });
  return it == status.conditions.end() ? nullptr : &*it;
}

// Why the rollback in flight began: the Degraded condition written when it did.
std::pair<std::string, std::string> rollbackCause(const PlanContext& ctx) {
  if (ctx.degraded) return *ctx.degraded;
  const api::Condition* degraded = findCondition(ctx.release.status, "Degraded");
  if (degraded && degraded->status == "True") return {degraded->reason, degraded->message};
  return {"RolledBack", "rollback requested"};
}

}  // namespace

void rollBackCanary(PlanContext& ctx, const std::string& reason, const std::string& message) {
  auto& n = ctx.next;
  const std::string canary = n.canaryVersion;
  ctx.setDegraded(reason, message);
  if (canaryRouted(ctx) && !ctx.observed.router.ok) {
    n.phase = api::Phase::RollingBack;
    n.message = "rolling back version " + canary + " (" + message + "); traffic cannot be moved yet: " +
                ctx.observed.router.message;
    ctx.requeueAfter(kRouterRetryDelay);
    return;
  }
  // Registry record first: its key embeds the rollout's start, and its history check reads the
  // status before this pass.
  queueRegistryRecord(ctx, "rolledBack", canary, {{"reason", reason}, {"message", message}}, "", "challenger");
  ctx.actions.push_back(StopAnalysis{""});
  ctx.addHistory(canary, outcomeFor(reason), message);
  n.rolledBackVersion = canary;
  n.canaryVersion.clear();
  n.canaryWeight = 0;
  clearCanaryRoutes(n);
  n.currentStepIndex = 0;
  n.phase = api::Phase::RolledBack;
  n.message = "rolled back version " + canary + ": " + message;
}

void resumeRollBackCanary(PlanContext& ctx) {
  auto [reason, message] = rollbackCause(ctx);
  rollBackCanary(ctx, reason, message);
}

void rollBackToPrevious(PlanContext& ctx, const std::string& reason, const std::string& message) {
  auto& n = ctx.next;
  ctx.setDegraded(reason, message);
  ctx.actions.push_back(StopAnalysis{""});
  n.phase = api::Phase::RollingBack;
  n.rolloutStartedAt = ctx.nowText();
  ctx.enterStep(n.currentStepIndex);
  continueRollBackToPrevious(ctx);
}

void continueRollBackToPrevious(PlanContext& ctx) {
  auto& n = ctx.next;
  const std::string previous = n.previousStableVersion;
  const std::string current = n.stableVersion;
  auto [reason, message] = rollbackCause(ctx);
  const DeploymentState& state = ctx.deployment(previous);
  if (!deploymentAvailable(state, ctx.spec().replicas)) {
    // Its Deployment was scaled down already: it comes back before traffic moves to it.
    n.message = "rolling back to version " + previous + ": waiting for it to be available (" +
                std::to_string(state.availableReplicas) + "/" + std::to_string(ctx.spec().replicas) + " replicas)";
    return;
  }
  if (!ctx.observed.router.ok) {
    n.message = "rolling back to version " + previous + ": traffic cannot be moved yet: " + ctx.observed.router.message;
    ctx.requeueAfter(kRouterRetryDelay);
    return;
  }
  queueRegistryRecord(ctx, "rolledBack", current,
                      {{"reason", reason}, {"message", message}, {"restoredVersion", previous}}, "", "champion");
  queueRegistryRecord(ctx, "promoted", previous, {{"reason", "rollback from version " + current}}, "champion", "",
                      "restored");
  ctx.addHistory(current, "RolledBack", message);
  n.stableVersion = previous;
  n.previousStableVersion.clear();
  n.rolledBackVersion = current;
  n.scaleDownAt.clear();
  n.phase = api::Phase::RolledBack;
  n.message = "rolled back from version " + current + " to version " + previous + ": " + message;
}

}  // namespace aviary::release
