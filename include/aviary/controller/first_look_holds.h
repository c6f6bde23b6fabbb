#pragma once
// "The first look" (docs/architecture.md): the pass that starts an analysis stage hands the stage's
// first looks to the measurement pool. When starting the stage is all that pass would write, it
// writes nothing and holds: the pass the look wakes (a few milliseconds later, usually) writes the
// stage's start together with the look's outcome, in one status write and one phase Event instead of
// two of each. A stage is held once, so a slow look delays what the release shows by one short
// recheck at most.
// Thread-safety: every member may be called from any worker.

#include <mutex>
#include <string>
#include <unordered_map>

#include "aviary/common/clock.h"
#include "aviary/release/planner.h"

namespace aviary::controller {

class FirstLookHolds {
 public:
  // How soon a held pass comes back when no look wakes it sooner.
  static constexpr Duration kRecheck = std::chrono::seconds(1);

  // True when this pass may hold: it started startedStage, whose first look is being fetched ("" when
  // it started none), its plan has nothing else to do but record Events, and this stage of this
  // release was not held before.
  bool hold(const std::string& release, const std::string& startedStage, const release::Plan& plan);
  // The release is gone: its entry goes too.
  void forget(const std::string& release);

 private:
  std::mutex mutex_;
  std::unordered_map<std::string, std::string> heldStage_;  // release key → the stage held last
};

}  // namespace aviary::controller
