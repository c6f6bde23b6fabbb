// Promotion, shared by both strategies: the canary becomes stable, the old stable stays warm until
// scaleDownAt so a rollback is a route change rather than a cold start.

#include <algorithm>

#include "aviary/common/duration.h"
#include "release/plan_context.h"

namespace aviary::release {
namespace {

Duration scaleDownDelay(const api::ModelReleaseSpec& spec) {
  const auto& strategy = spec.strategy;
  std::optional<std::string> text;
  if (strategy.canary) text = strategy.canary->scaleDownDelay;
  if (isBlueGreen(spec)) text = strategy.blueGreen->scaleDownDelay;
  return durationOr(text, Duration{30'000});
}

bool approvalsPending(const api::ModelReleaseStatus& status) {
  return std::any_of(status.registrySync.begin(), status.registrySync.end(),
                     [](const api::RegistryRecord& r) { return r.event == "approved"; });
}

}  // namespace

bool switchToCanary(PlanContext& ctx) {
  auto& n = ctx.next;
  const auto& spec = ctx.spec();
  ctx.canaryReplicas = spec.replicas;
  if (!canaryAvailable(ctx, spec.replicas)) {
    if (n.phase == api::Phase::Progressing && !n.canaryVersion.empty() && !ctx.degraded) {
      n.message = "scaling version " + n.canaryVersion + " to " + std::to_string(spec.replicas) +
                  " replicas before promotion";
    }
    return false;
  }
  if (spec.registry.required && approvalsPending(n)) {
    n.message = "waiting for the registry to record the approvals of version " + n.canaryVersion;
    ctx.requeueAfter(kRegistryRetryDelay);
    return false;
  }
  if (!ctx.observed.router.ok) {
    ctx.setDegraded("TrafficRoutingFailed", ctx.observed.router.message);
    n.message = "cannot promote version " + n.canaryVersion + ": " + ctx.observed.router.message;
    ctx.requeueAfter(kRouterRetryDelay);
    return false;
  }
  if (spec.strategy.canary && spec.strategy.canary->backgroundAnalysis) {
    ctx.actions.push_back(StopAnalysis{backgroundStage(n.canaryVersion)});
  }
  n.previousStableVersion = n.stableVersion;
  n.stableVersion = n.canaryVersion;
  n.canaryVersion.clear();
  n.canaryWeight = 0;
  n.scaleDownAt = formatRfc3339(ctx.now + scaleDownDelay(spec));
  return true;
}

void completePromotion(PlanContext& ctx) {
  auto& n = ctx.next;
  const std::string& previous = n.previousStableVersion;
  std::string message = previous.empty() ? "first release of version " + n.stableVersion
                                         : "version " + n.stableVersion + " replaces version " + previous;
  queueRegistryRecord(ctx, "promoted", n.stableVersion, {{"previousVersion", previous}}, "champion", "challenger");
  ctx.addHistory(n.stableVersion, "Promoted", message);
  n.phase = api::Phase::Promoted;
  n.message = "version " + n.stableVersion + " serves all traffic";
}

}  // namespace aviary::release
