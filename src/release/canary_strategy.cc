// The canary strategy: walks spec.strategy.canary.steps from status.currentStepIndex, running as
// many steps as are already satisfied in one pass, and promotes after the last one.

#include <algorithm>

#include "aviary/common/duration.h"
#include "release/plan_context.h"

namespace aviary::release {
namespace {

enum class StepResult { Advance, Wait };

std::string stepText(const PlanContext& ctx) {
  return "step " + std::to_string(ctx.next.currentStepIndex + 1) + "/" +
         std::to_string(ctx.spec().strategy.canary->steps.size());
}

bool routeStep(const api::CanaryStep& step) { return step.setWeight || step.setMirror || step.setHeaderRoute; }

// Whether the step after the current one looks at the canary's traffic (pause, analysis, approval).
bool judgedNext(const PlanContext& ctx) {
  const auto& steps = ctx.spec().strategy.canary->steps;
  const auto next = static_cast<size_t>(ctx.next.currentStepIndex) + 1;
  return next < steps.size() && !routeStep(steps[next]);
}

// What the steps that change the route share: pods first (the canary must handle its share before
// any request, copy or not, reaches it), then a router that can take the change. False = wait.
bool routeChangeReady(PlanContext& ctx, int32_t sizing, const std::string& change) {
  auto& n = ctx.next;
  ctx.sizingWeight = sizing;
  if (!canaryAvailable(ctx, canaryReplicaPlan(ctx.spec(), sizing).canary)) return false;
  if (!ctx.observed.router.ok) {
    ctx.setDegraded("TrafficRoutingFailed", ctx.observed.router.message);
    n.message = stepText(ctx) + ": cannot " + change + ": " + ctx.observed.router.message;
    ctx.requeueAfter(kRouterRetryDelay);
    return false;
  }
  return true;
}

// A pause, analysis or approval next judges the canary under this route, so it starts once the mesh
// route carries it: this pass writes the route, a later pass reads it back and moves on. Another route
// step or the promotion next changes the route again and needs no wait (nor the extra pass and status
// write). `routed` is false only when the router reported a different route.
StepResult settleRoute(PlanContext& ctx, bool routed, const std::string& change) {
  if (routed || splitsByReplicas(ctx.spec()) || !judgedNext(ctx)) return StepResult::Advance;
  ctx.next.message = stepText(ctx) + ": " + change;
  ctx.requeueAfter(kRouteSettleDelay);
  return StepResult::Wait;
}

StepResult runSetWeight(PlanContext& ctx, int32_t weight) {
  auto& n = ctx.next;
  if (!routeChangeReady(ctx, std::max(weight, n.mirrorPercent), "set canary weight " + std::to_string(weight))) {
    return StepResult::Wait;
  }
  n.canaryWeight = weight;
  // The replica ratio carries the weight once the pods are there (checked above); the share it reports
  // is the rounded replica split (1 of 2 pods for 20%), never compared.
  const auto& routed = ctx.observed.router.canaryWeight;
  return settleRoute(ctx, !routed || *routed == weight, "shifting traffic to canary weight " + std::to_string(weight));
}

StepResult runSetMirror(PlanContext& ctx, int32_t percent) {
  auto& n = ctx.next;
  if (!routeChangeReady(ctx, std::max(n.canaryWeight, percent), "mirror " + std::to_string(percent) + "% to the canary")) {
    return StepResult::Wait;
  }
  n.mirrorPercent = percent;
  const auto& routed = ctx.observed.router.mirrorPercent;
  return settleRoute(ctx, !routed || *routed == percent,
                     "mirroring " + std::to_string(percent) + "% of the stable traffic to the canary");
}

StepResult runSetHeaderRoute(PlanContext& ctx, const api::HeaderRoute& route) {
  auto& n = ctx.next;
  const std::string change = (route.match.empty() ? "remove header route " : "set header route ") + route.name;
  if (!routeChangeReady(ctx, canarySizingShare(n), change)) return StepResult::Wait;
  applyHeaderRoute(n.headerRoutes, route);
  const auto& routed = ctx.observed.router.headerMatches;
  return settleRoute(ctx, !routed || normalized(*routed) == headerMatchesOf(n.headerRoutes),
                     (route.match.empty() ? "removing header route " : "routing header route ") + route.name);
}

StepResult runPause(PlanContext& ctx, const api::PauseStep& pause) {
  auto& n = ctx.next;
  if (!pause.duration) {
    n.phase = api::Phase::Paused;
    n.message = stepText(ctx) + ": paused until promoted";
    return StepResult::Wait;
  }
  const Duration total = durationOr(pause.duration, Duration::zero());
  const Duration elapsed = ctx.since(n.stepStartedAt);
  if (elapsed >= total) return StepResult::Advance;
  n.phase = api::Phase::Paused;
  TimePoint started;
  parseRfc3339(n.stepStartedAt, started);
  n.message = stepText(ctx) + ": paused for " + *pause.duration + " until " + formatRfc3339(started + total);
  ctx.requeueAfter(total - elapsed);
  return StepResult::Wait;
}

StepResult runApproval(PlanContext& ctx, const api::ApprovalStep& step) {
  auto& n = ctx.next;
  const ApprovalDecision* decision = nullptr;
  // The caller gathered the decisions for the step the release was at when it looked; a step reached
  // during this pass has none yet.
  bool observedStep = n.canaryVersion == ctx.release.status.canaryVersion &&
                      n.currentStepIndex == ctx.release.status.currentStepIndex;
  for (const auto& d : ctx.observed.approvals) {
    if (!observedStep) break;
    if (!decision || (decision->approve && !d.approve)) decision = &d;  // a rejection outweighs approvals
  }
  if (!decision) {
    std::string who;
    for (const auto& g : step.groups) who += (who.empty() ? "" : ", ") + g;
    for (const auto& u : step.users) who += (who.empty() ? "" : ", ") + u;
    n.phase = api::Phase::AwaitingApproval;
    n.message = stepText(ctx) + ": waiting for approval" + (who.empty() ? "" : " from " + who);
    return StepResult::Wait;
  }
  const std::string decisionText = decision->approve ? "approve" : "reject";
  const int32_t index = n.currentStepIndex;
  n.approvals.push_back(api::ApprovalRecord{decision->name, decision->approvedBy, decisionText, decision->comment,
                                            index, formatRfc3339(decision->time), true, ""});
  std::map<std::string, std::string> tags{{"approvedBy", decision->approvedBy},
                                          {"comment", decision->comment},
                                          {"approvedAt", formatRfc3339(decision->time)},
                                          {"step", std::to_string(index)}};
  const std::string qualifier = "step" + std::to_string(index);
  const std::string canary = n.canaryVersion;
  if (!decision->approve) {
    queueRegistryRecord(ctx, "rejected", canary, tags, "", "", qualifier);
    rollBackCanary(ctx, "Rejected",
                   "rejected by " + decision->approvedBy + (decision->comment.empty() ? "" : ": " + decision->comment));
    return StepResult::Wait;
  }
  queueRegistryRecord(ctx, "approved", canary, tags, "", "", qualifier);
  ctx.event(EventType::Normal, "Approved", stepText(ctx) + " approved by " + decision->approvedBy);
  return StepResult::Advance;
}

StepResult runStep(PlanContext& ctx, const api::CanaryStep& step) {
  auto& n = ctx.next;
  if (step.setWeight) return runSetWeight(ctx, *step.setWeight);
  if (step.setMirror) return runSetMirror(ctx, step.setMirror->percent);
  if (step.setHeaderRoute) return runSetHeaderRoute(ctx, *step.setHeaderRoute);
  if (step.pause) return runPause(ctx, *step.pause);
  if (step.analysis) {
    auto result = runAnalysisStage(ctx, stepStage(n.canaryVersion, n.currentStepIndex), step.analysis->gates,
                                   n.canaryVersion, n.stableVersion);
    return result == StageResult::Passed ? StepResult::Advance : StepResult::Wait;
  }
  if (step.approval) return runApproval(ctx, *step.approval);
  return StepResult::Advance;  // validation rejects empty steps; nothing to wait for
}

// The first approval step at or after index, or steps.size().
size_t nextApprovalStep(const std::vector<api::CanaryStep>& steps, size_t index) {
  while (index < steps.size() && !steps[index].approval) ++index;
  return index;
}

// `promote` skips the step the release waits on (pause, analysis); `promote-full` jumps past the last
// step. Route steps (weight, mirror, header route) are not skipped: traffic must not reach pods that are
// not there. Approval steps
// are not skipped either: anyone who may patch a release could otherwise stand in for the verified
// approver; promote-full stops at the next approval step instead.
void applyPromoteRequests(PlanContext& ctx) {
  auto& n = ctx.next;
  const auto& steps = ctx.spec().strategy.canary->steps;
  const auto index = static_cast<size_t>(n.currentStepIndex);
  if (ctx.promoteFullRequested) {
    ctx.requestConsumed = true;
    const size_t target = nextApprovalStep(steps, index);
    if (target == index) {
      ctx.event(EventType::Warning, "RequestIgnored",
                "promote-full does not skip " + stepText(ctx) + ": it waits for an approval (aviary approve)");
      return;
    }
    if (index < steps.size() && steps[index].analysis) {
      ctx.actions.push_back(StopAnalysis{stepStage(n.canaryVersion, n.currentStepIndex)});
    }
    ctx.event(EventType::Normal, "PromoteFull",
              target == steps.size() ? std::string("remaining steps skipped by request")
                                     : "steps skipped by request up to the approval step " + std::to_string(target + 1));
    ctx.enterStep(static_cast<int32_t>(target));
    return;
  }
  if (!ctx.promoteRequested || index >= steps.size() || routeStep(steps[index])) return;
  ctx.requestConsumed = true;
  if (steps[index].approval) {
    ctx.event(EventType::Warning, "RequestIgnored",
              "promote does not skip " + stepText(ctx) + ": it waits for an approval (aviary approve)");
    return;
  }
  if (steps[index].analysis) ctx.actions.push_back(StopAnalysis{stepStage(n.canaryVersion, n.currentStepIndex)});
  ctx.event(EventType::Normal, "StepSkipped", stepText(ctx) + " skipped by promote request");
  ctx.enterStep(n.currentStepIndex + 1);
}

// Background analysis runs for the whole canary; it can only fail the rollout, never hold it.
bool backgroundHealthy(PlanContext& ctx) {
  const auto& canary = *ctx.spec().strategy.canary;
  if (!canary.backgroundAnalysis) return true;
  auto& n = ctx.next;
  const std::string stage = backgroundStage(n.canaryVersion);
  auto verdict = ctx.verdict(stage);
  if (!verdict) {
    ctx.actions.push_back(StartAnalysis{stage, canary.backgroundAnalysis->gates, n.canaryVersion, n.stableVersion});
    return true;
  }
  if (verdict->phase != AnalysisPhase::Fail) return true;
  failRollout(ctx, "AnalysisFailed", "analysis " + stage + " failed: " + verdict->message);
  return false;
}

}  // namespace

namespace {

void walkSteps(PlanContext& ctx) {
  auto& n = ctx.next;
  const auto& steps = ctx.spec().strategy.canary->steps;
  // Each round either advances a step or returns, so steps.size() + 1 rounds always suffice.
  for (size_t round = 0; round <= steps.size(); ++round) {
    const auto index = static_cast<size_t>(n.currentStepIndex);
    if (index >= steps.size()) {
      if (switchToCanary(ctx)) completePromotion(ctx);
      return;
    }
    if (runStep(ctx, steps[index]) == StepResult::Wait) return;
    n.phase = api::Phase::Progressing;
    ctx.enterStep(n.currentStepIndex + 1);
  }
}

}  // namespace

void planCanary(PlanContext& ctx) {
  auto& n = ctx.next;
  n.phase = api::Phase::Progressing;
  if (!backgroundHealthy(ctx)) return;
  applyPromoteRequests(ctx);
  walkSteps(ctx);
  // Users read "0% weight" as "not running": say that the canary answers copies nobody receives.
  if (shadowOnly(n)) {
    n.message += " (shadow: " + std::to_string(n.mirrorPercent) + "% of the stable traffic mirrored to version " +
                 n.canaryVersion + ", its answers discarded)";
  }
}

}  // namespace aviary::release
