// Waits both strategies share: a Deployment becoming available within the progress deadline, an
// analysis stage reaching a verdict, and what a failed check does.

#include "aviary/common/duration.h"
#include "release/plan_context.h"

namespace aviary::release {

bool deploymentAvailable(const DeploymentState& state, int32_t replicas) {
  return state.exists && state.upToDate && state.desiredReplicas == replicas && state.updatedReplicas >= replicas &&
         state.availableReplicas >= replicas;
}

bool canaryAvailable(PlanContext& ctx, int32_t replicas) {
  auto& n = ctx.next;
  const DeploymentState& state = ctx.deployment(n.canaryVersion);
  if (deploymentAvailable(state, replicas)) return true;
  Duration deadline = std::chrono::seconds(ctx.spec().progressDeadlineSeconds);
  Duration elapsed = ctx.since(n.stepStartedAt);
  if (state.progressDeadlineExceeded || elapsed >= deadline) {
    failRollout(ctx, "ProgressDeadlineExceeded",
                "version " + n.canaryVersion + " did not become available within " +
                    std::to_string(ctx.spec().progressDeadlineSeconds) + "s");
    return false;
  }
  n.message = "waiting for version " + n.canaryVersion + " to be available (" +
              std::to_string(state.availableReplicas) + "/" + std::to_string(replicas) + " replicas)";
  ctx.requeueAfter(deadline - elapsed);
  return false;
}

StageResult runAnalysisStage(PlanContext& ctx, const std::string& stage, const std::vector<std::string>& gates,
                             const std::string& version, const std::string& baseline) {
  auto& n = ctx.next;
  const Duration interval = durationOr(ctx.spec().analysis.interval, Duration{30'000});
  auto verdict = ctx.verdict(stage);
  if (!verdict) {
    ctx.actions.push_back(StartAnalysis{stage, gates, version, baseline});
    n.message = "analysis " + stage + " running";
    ctx.requeueAfter(interval);
    return StageResult::Waiting;
  }
  switch (verdict->phase) {
    case AnalysisPhase::Running:
      n.message = "analysis " + stage + " running";
      ctx.requeueAfter(interval);
      return StageResult::Waiting;
    case AnalysisPhase::Error:
      // Measurements failing is not evidence the version is good: keep waiting, never promote.
      n.message = "analysis " + stage + " cannot measure: " + verdict->message;
      ctx.requeueAfter(interval);
      return StageResult::Waiting;
    case AnalysisPhase::Pass:
      ctx.actions.push_back(StopAnalysis{stage});
      return StageResult::Passed;
    case AnalysisPhase::Fail:
      failRollout(ctx, "AnalysisFailed", "analysis " + stage + " failed: " + verdict->message);
      return StageResult::Stopped;
    case AnalysisPhase::Inconclusive:
      n.phase = api::Phase::Paused;
      n.message = "analysis " + stage + " inconclusive: " + verdict->message + "; promote to continue or abort";
      return StageResult::Stopped;
  }
  return StageResult::Waiting;
}

void failRollout(PlanContext& ctx, const std::string& reason, const std::string& message) {
  auto& n = ctx.next;
  if (ctx.spec().rollback.automatic) {
    if (!n.canaryVersion.empty()) {
      rollBackCanary(ctx, reason, message);
    } else {
      rollBackToPrevious(ctx, reason, message);  // blue-green: the switch is undone
    }
    return;
  }
  ctx.setDegraded(reason, message);
  n.phase = api::Phase::Paused;
  n.message = message + "; automatic rollback is off: promote to continue or abort";
}

}  // namespace aviary::release
