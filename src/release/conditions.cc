// Ready, Progressing and Degraded, per Kubernetes conventions: lastTransitionTime moves only when a
// condition's status does, so an unchanged release rewrites nothing.

#include <algorithm>

#include "aviary/release/planner.h"
#include "release/plan_context.h"

namespace aviary::release {
namespace {

struct ConditionValue {
  std::string status;
  std::string reason;
  std::string message;
};

ConditionValue ready(const api::ModelReleaseStatus& n) {
  switch (n.phase) {
    case api::Phase::Pending:
      return {"False", "FirstRelease", n.message};
    case api::Phase::Promoted:
      return {"True", "Promoted", "version " + n.stableVersion + " serves all traffic"};
    case api::Phase::RolledBack:
      return {"True", "RolledBack", "version " + n.stableVersion + " serves all traffic"};
    default:
      return {"True", "StableServing", "stable version " + n.stableVersion + " is serving"};
  }
}

ConditionValue progressing(const api::ModelReleaseStatus& n) {
  switch (n.phase) {
    case api::Phase::Pending: return {"True", "FirstRelease", n.message};
    case api::Phase::Progressing: return {"True", "RolloutInProgress", n.message};
    case api::Phase::Paused: return {"True", "RolloutPaused", n.message};
    case api::Phase::AwaitingApproval: return {"True", "AwaitingApproval", n.message};
    case api::Phase::RollingBack: return {"True", "RollingBack", n.message};
    case api::Phase::Promoted: return {"False", "RolloutComplete", n.message};
    case api::Phase::RolledBack: return {"False", "RolledBack", n.message};
    case api::Phase::Invalid: return {"False", "InvalidSpec", n.message};
  }
  return {"Unknown", "Unknown", n.message};
}

}  // namespace

void setCondition(std::vector<api::Condition>& conditions, const std::string& type, const std::string& status,
                  const std::string& reason, const std::string& message, int64_t generation,
                  const std::string& now) {
  auto it = std::find_if(conditions.begin(), conditions.end(), [&](const api::Condition& c) { return c.type == type; });
  if (it == conditions.end()) {
    conditions.push_back(api::Condition{type, status, reason, message, generation, now});
    return;
  }
  if (it->status != status) it->lastTransitionTime = now;
  it->status = status;
  it->reason = reason;
  it->message = message;
  it->observedGeneration = generation;
}

void updateConditions(PlanContext& ctx) {
  auto& n = ctx.next;
  const int64_t generation = ctx.release.metadata.generation;
  const std::string now = ctx.nowText();
  auto set = [&](const std::string& type, const ConditionValue& v) {
    setCondition(n.conditions, type, v.status, v.reason, v.message, generation, now);
  };
  set("Ready", ready(n));
  set("Progressing", progressing(n));
  if (ctx.degraded) {
    set("Degraded", {"True", ctx.degraded->first, ctx.degraded->second});
    return;
  }
  // A rollback's cause stays on the release until the next rollout starts.
  bool rolledBack = api::rollingOrRolledBack(n.phase);
  auto existing = std::find_if(n.conditions.begin(), n.conditions.end(),
                               [](const api::Condition& c) { return c.type == "Degraded"; });
  if (rolledBack && existing != n.conditions.end() && existing->status == "True") {
    existing->observedGeneration = generation;
    return;
  }
  set("Degraded", {"False", "AsExpected", ""});
}

api::ModelReleaseStatus degradedStatus(const api::ModelRelease& release, const std::string& reason,
                                       const std::string& message, TimePoint now) {
  api::ModelReleaseStatus status = release.status;
  setCondition(status.conditions, "Degraded", "True", reason, message, release.metadata.generation,
               formatRfc3339(now));
  return status;
}

}  // namespace aviary::release
