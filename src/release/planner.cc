// plan(): the pipeline of one pass. Validity first, then which version should run (lifecycle.cc), the
// user's request (requests.cc), the strategy's steps, and last the workload diff, conditions and the
// event of a phase change.

#include "aviary/release/planner.h"

#include "release/plan_context.h"

namespace aviary::release {
namespace {

Plan planInvalid(PlanContext& ctx) {
  auto& n = ctx.next;
  std::string message;
  for (const auto& error : ctx.observed.specErrors) {
    message += (message.empty() ? "" : "; ") + error.path + ": " + error.message;
  }
  n.phase = api::Phase::Invalid;
  n.message = "spec cannot be acted on: " + message;
  setCondition(n.conditions, "Ready", "False", "InvalidSpec", message, ctx.release.metadata.generation, ctx.nowText());
  // Nothing else changes: what runs keeps running until the spec is fixed.
  return Plan{{}, std::move(n), std::nullopt};
}

// The phase a release had before its spec became invalid, from the fields Invalid left alone.
api::Phase phaseBeforeInvalid(const api::ModelReleaseStatus& n, const api::ModelReleaseSpec& spec) {
  if (n.stableVersion.empty()) return api::Phase::Pending;
  if (!n.canaryVersion.empty()) return api::Phase::Progressing;
  if (!n.rolledBackVersion.empty() && n.rolledBackVersion == spec.model.version) return api::Phase::RolledBack;
  return api::Phase::Promoted;
}

void recordPhaseChange(PlanContext& ctx) {
  const api::Phase before = ctx.release.status.phase;
  const api::Phase after = ctx.next.phase;
  if (before == after) return;
  bool bad = ctx.degraded || api::rollingOrRolledBack(after);
  ctx.event(bad ? EventType::Warning : EventType::Normal, api::phaseName(after), ctx.next.message);
}

}  // namespace

Plan plan(const api::ModelRelease& release, const Observed& observed, TimePoint now) {
  PlanContext ctx(release, observed, now);
  auto& n = ctx.next;
  n.observedGeneration = release.metadata.generation;
  if (!observed.specErrors.empty()) return planInvalid(ctx);
  if (n.phase == api::Phase::Invalid) n.phase = phaseBeforeInvalid(n, release.spec);

  reconcileVersion(ctx);
  applyRequest(ctx);
  if (rolloutActive(n, release.spec)) {
    if (isBlueGreen(release.spec)) {
      planBlueGreen(ctx);
    } else {
      planCanary(ctx);
    }
  }
  finishRequest(ctx);
  // Promotion, abort, rollback and supersede all end with no canary: its mirror and header routes go too.
  if (n.canaryVersion.empty()) clearCanaryRoutes(n);

  Plan result;
  planTopology(ctx, result);
  updateConditions(ctx);
  recordPhaseChange(ctx);
  result.actions.insert(result.actions.end(), ctx.actions.begin(), ctx.actions.end());
  result.status = std::move(n);
  result.requeueAfter = ctx.requeue;
  return result;
}

}  // namespace aviary::release
