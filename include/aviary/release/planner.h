#pragma once
// The release planner: the state machine of a ModelRelease as one pure function. Given the release
// (spec, metadata and its last status), what the reconcile pass observed, and the time, it returns the
// actions to take, the status to write and when to look again. No I/O, no clock reads, no threads:
// thread-safe, and the same inputs always give the same plan, so an operator restarted mid-rollout
// resumes from status alone. docs/planner.md draws the state diagram.
//
// The plan's status assumes its actions succeed: the caller writes it only after acting, and when an
// action fails the next pass re-plans from the old status (every action is idempotent).

#include <optional>
#include <vector>

#include "aviary/api/model_release.h"
#include "aviary/common/clock.h"
#include "aviary/release/actions.h"
#include "aviary/release/observed.h"

namespace aviary::release {

struct Plan {
  std::vector<Action> actions;  // in execution order
  api::ModelReleaseStatus status;
  std::optional<Duration> requeueAfter;  // look again after this long even without a watch event
  // Traffic moves away from the canary: its Deployment and Services writes depend on no order among
  // them, and the act layer sends each run of them at once (a replica-ratio rollback then waits one
  // round trip, not one per object), and sends the writes that move the traffic ahead of the
  // client's rate-limit queue (common/urgent_scope.h). Otherwise they go one by one, so a failed
  // scale-up stops the scale-down that would follow it.
  bool trafficLeavesCanary = false;
  // The plan's traffic writes move users: off the canary (trafficLeavesCanary), or from one stable
  // version to another (a blue-green switch, a switch back to the previous version). A rollback's
  // reaction (aviary_rollback_reaction_seconds) is timed to these writes only: a canary that took no
  // traffic (at weight 0, a preview, a replica ratio without pods) is rolled back moving nobody.
  bool usersMove = false;
};

Plan plan(const api::ModelRelease& release, const Observed& observed, TimePoint now);

// The status to write when an action failed for a reason the user must fix (InvalidSpec, e.g. a route
// the installed CRD cannot express): the last status unchanged but for Degraded=True with reason and
// message, so the release says why it does not move while the pass is retried with backoff.
api::ModelReleaseStatus degradedStatus(const api::ModelRelease& release, const std::string& reason,
                                       const std::string& message, TimePoint now);

// Delay before looking again when traffic could not be routed (route missing): a retry, not a hot loop.
inline constexpr Duration kRouterRetryDelay{10'000};
// Delay before checking that a weight written to the route took effect (the status write that goes
// with it usually brings the next pass sooner).
inline constexpr Duration kRouteSettleDelay{1'000};
// Delay before asking the registry again about a version that is missing or not READY yet.
inline constexpr Duration kRegistryRetryDelay{30'000};
// status.history keeps the last entries only.
inline constexpr size_t kMaxHistory = 10;

}  // namespace aviary::release
