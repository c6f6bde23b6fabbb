// The user's requests, from the aviary.dev/request annotation (set by `aviary promote|abort|...`).
// Each id is acted upon once: status.lastHandledRequest remembers it.

#include "release/plan_context.h"

namespace aviary::release {
namespace {

RequestKind kindOf(const std::string& text) {
  if (text == "promote") return RequestKind::Promote;
  if (text == "promote-full") return RequestKind::PromoteFull;
  if (text == "abort") return RequestKind::Abort;
  if (text == "rollback") return RequestKind::Rollback;
  if (text == "retry") return RequestKind::Retry;
  return RequestKind::Unknown;
}

void ignore(PlanContext& ctx, const std::string& why) {
  const UserRequest& request = *ctx.observed.request;
  ctx.event(EventType::Warning, "RequestIgnored",
            "request \"" + request.text + "\" (" + request.id + ") ignored: " + why);
}

void abortRollout(PlanContext& ctx, const std::string& reason, const std::string& message) {
  const auto& n = ctx.next;
  if (!n.canaryVersion.empty() && rolloutActive(n, ctx.spec())) {
    rollBackCanary(ctx, reason, message);
  } else if (blueGreenVerifying(n, ctx.spec())) {
    rollBackToPrevious(ctx, reason, message);
  } else {
    ignore(ctx, "no rollout in progress");
  }
}

}  // namespace

std::optional<UserRequest> requestFromAnnotations(const api::ObjectMeta& metadata) {
  auto it = metadata.annotations.find(api::kRequestAnnotation);
  if (it == metadata.annotations.end()) return std::nullopt;
  UserRequest request;
  request.text = it->second;
  request.kind = kindOf(it->second);
  auto id = metadata.annotations.find(api::kRequestIdAnnotation);
  if (id != metadata.annotations.end()) request.id = id->second;
  auto by = metadata.annotations.find(api::kRequestedByAnnotation);
  if (by != metadata.annotations.end()) request.requestedBy = by->second;
  return request;
}

void applyRequest(PlanContext& ctx) {
  const auto& request = ctx.observed.request;
  if (!request || request->id.empty()) return;
  ctx.actions.push_back(MarkRequestHandled{request->id});
  // Handled by an earlier pass whose annotation was not cleared (the clear failed, or an older
  // operator): cleared again, never acted upon twice.
  if (request->id == ctx.release.status.lastHandledRequest) return;
  auto& n = ctx.next;
  n.lastHandledRequest = request->id;
  const std::string by = " by request " + request->id;
  switch (request->kind) {
    case RequestKind::Promote:
      ctx.promoteRequested = true;  // the strategy knows which step it skips (finishRequest reports misses)
      return;
    case RequestKind::PromoteFull:
      ctx.promoteFullRequested = true;
      return;
    case RequestKind::Abort:
      abortRollout(ctx, "Aborted", "aborted" + by);
      return;
    case RequestKind::Rollback:
      if (!n.canaryVersion.empty() || blueGreenVerifying(n, ctx.spec())) {
        abortRollout(ctx, "Aborted", "rolled back" + by);
      } else if ((n.phase == api::Phase::Promoted || n.phase == api::Phase::RolledBack) &&
                 !n.previousStableVersion.empty() && n.previousStableVersion != n.stableVersion) {
        rollBackToPrevious(ctx, "RollbackRequested",
                           "version " + n.stableVersion + " rolled back to " + n.previousStableVersion + by);
      } else {
        ignore(ctx, "no previous stable version to roll back to");
      }
      return;
    case RequestKind::Retry:
      if (n.phase == api::Phase::RolledBack && n.canaryVersion.empty() && !n.rolledBackVersion.empty() &&
          n.rolledBackVersion == ctx.spec().model.version) {
        startRollout(ctx);
      } else {
        ignore(ctx, "only a rolled back release whose spec still names the rolled back version can be retried");
      }
      return;
    case RequestKind::Unknown:
      ignore(ctx, "unknown request (promote, promote-full, abort, rollback, retry)");
      return;
  }
}

void finishRequest(PlanContext& ctx) {
  if ((ctx.promoteRequested || ctx.promoteFullRequested) && !ctx.requestConsumed) {
    ignore(ctx, "nothing waits for promotion at this point");
  }
}

}  // namespace aviary::release
