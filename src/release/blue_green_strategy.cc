// The blue-green strategy: a preview of the new version next to the active one, checked, then
// switched in one move; an optional post-promotion analysis can switch back while the old version is
// still warm. status.currentStepIndex holds the stage below.

#include "release/plan_context.h"

namespace aviary::release {
namespace {

enum Stage : int32_t {
  kPreview = 0,         // preview Deployment coming up
  kPrePromotion = 1,    // prePromotionAnalysis
  kAwaitPromotion = 2,  // autoPromotionSeconds, or a `promote` request
  kSwitch = 3,          // preview scaled to full size, then traffic switched
  kVerify = 4,          // switched (new version stable, no canary): postPromotionAnalysis
};

int32_t previewReplicas(const api::ModelReleaseSpec& spec) {
  return spec.strategy.blueGreen->previewReplicas.value_or(spec.replicas);
}

void verify(PlanContext& ctx) {
  auto& n = ctx.next;
  const auto& bg = *ctx.spec().strategy.blueGreen;
  const std::string stage = postPromotionStage(n.stableVersion);
  if (ctx.promoteRequested || ctx.promoteFullRequested) {
    ctx.requestConsumed = true;
    ctx.actions.push_back(StopAnalysis{stage});
    completePromotion(ctx);
    return;
  }
  n.phase = api::Phase::Progressing;
  if (!bg.postPromotionAnalysis ||
      runAnalysisStage(ctx, stage, bg.postPromotionAnalysis->gates, n.stableVersion, n.previousStableVersion) ==
          StageResult::Passed) {
    completePromotion(ctx);
  }
}

// A promote request moves a release that waits on its checks straight to the switch.
void applyPromoteRequests(PlanContext& ctx) {
  auto& n = ctx.next;
  bool waitingOnChecks = n.currentStepIndex == kPrePromotion || n.currentStepIndex == kAwaitPromotion;
  bool jump = ctx.promoteFullRequested ? n.currentStepIndex < kSwitch : ctx.promoteRequested && waitingOnChecks;
  if (!jump) return;
  ctx.requestConsumed = true;
  if (n.currentStepIndex == kPrePromotion) ctx.actions.push_back(StopAnalysis{prePromotionStage(n.canaryVersion)});
  ctx.event(EventType::Normal, "PromoteRequested", "preview version " + n.canaryVersion + " promoted by request");
  ctx.enterStep(kSwitch);
}

enum class Flow { Next, Wait };

Flow runStage(PlanContext& ctx) {
  auto& n = ctx.next;
  const auto& bg = *ctx.spec().strategy.blueGreen;
  const int32_t preview = previewReplicas(ctx.spec());
  switch (n.currentStepIndex) {
    case kPreview:
      ctx.canaryReplicas = preview;
      return canaryAvailable(ctx, preview) ? Flow::Next : Flow::Wait;
    case kPrePromotion:
      ctx.canaryReplicas = preview;
      if (!bg.prePromotionAnalysis) return Flow::Next;
      return runAnalysisStage(ctx, prePromotionStage(n.canaryVersion), bg.prePromotionAnalysis->gates,
                              n.canaryVersion, n.stableVersion) == StageResult::Passed
                 ? Flow::Next
                 : Flow::Wait;
    case kAwaitPromotion: {
      ctx.canaryReplicas = preview;
      if (!bg.autoPromote) {
        n.phase = api::Phase::Paused;
        n.message = "preview version " + n.canaryVersion + " is ready: waiting for promote";
        return Flow::Wait;
      }
      const Duration delay = std::chrono::seconds(bg.autoPromotionSeconds.value_or(0));
      const Duration elapsed = ctx.since(n.stepStartedAt);
      if (elapsed >= delay) return Flow::Next;
      n.message = "preview version " + n.canaryVersion + " is ready: promoting automatically after " +
                  std::to_string(bg.autoPromotionSeconds.value_or(0)) + "s";
      ctx.requeueAfter(delay - elapsed);
      return Flow::Wait;
    }
    case kSwitch:
      if (!switchToCanary(ctx)) return Flow::Wait;
      if (bg.postPromotionAnalysis) {
        ctx.enterStep(kVerify);
        verify(ctx);
      } else {
        completePromotion(ctx);
      }
      return Flow::Wait;
    default:
      return Flow::Wait;
  }
}

}  // namespace

bool blueGreenVerifying(const api::ModelReleaseStatus& status, const api::ModelReleaseSpec& spec) {
  bool waitingPhase = status.phase == api::Phase::Progressing || status.phase == api::Phase::Paused;
  return isBlueGreen(spec) && waitingPhase && status.canaryVersion.empty() && status.currentStepIndex == kVerify;
}

void planBlueGreen(PlanContext& ctx) {
  auto& n = ctx.next;
  if (blueGreenVerifying(n, ctx.spec())) {
    verify(ctx);
    return;
  }
  n.phase = api::Phase::Progressing;
  applyPromoteRequests(ctx);
  for (int32_t round = kPreview; round <= kSwitch; ++round) {
    if (runStage(ctx) == Flow::Wait) return;
    ctx.enterStep(n.currentStepIndex + 1);
  }
}

}  // namespace aviary::release
