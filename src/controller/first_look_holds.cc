#include "aviary/controller/first_look_holds.h"

#include <algorithm>

namespace aviary::controller {

bool FirstLookHolds::hold(const std::string& release, const std::string& startedStage, const release::Plan& plan) {
  if (startedStage.empty()) return false;
  // The stage's start has been planned (and handed its looks) already; what is left must be nothing
  // but that start.
  const bool onlyStarts = std::all_of(plan.actions.begin(), plan.actions.end(), [](const release::Action& a) {
    return std::holds_alternative<release::StartAnalysis>(a);
  });
  if (!onlyStarts) return false;
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
