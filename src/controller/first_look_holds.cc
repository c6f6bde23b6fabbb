#include "aviary/controller/first_look_holds.h"

#include <algorithm>

namespace aviary::controller {

bool FirstLookHolds::hold(const std::string& release, const std::string& startedStage, const release::Plan& plan) {
  if (startedStage.empty()) return false;
  // What is left must be nothing but that start and its Events: those the pass the look wakes plans
  // again from the same status (a phase Event for where the rollout then is). Writes, a handled
  // request or a stopped stage mean the status has news of its own.
  const bool onlyTheStart = std::all_of(plan.actions.begin(), plan.actions.end(), [](const release::Action& a) {
    return std::holds_alternative<release::StartAnalysis>(a) || std::holds_alternative<release::RecordEvent>(a);
  });
  if (!onlyTheStart) return false;
  std::lock_guard lock(mutex_);
  auto& held = heldStage_[release];
  if (held == startedStage) return false;
  held = startedStage;
  return true;
}

void FirstLookHolds::forget(const std::string& release) {
  std::lock_guard lock(mutex_);
  heldStage_.erase(release);
}

}  // namespace aviary::controller
