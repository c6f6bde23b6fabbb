// The simulation step: routing snapshot in, recorded requests out.

#include "aviary/simulator/simulation.h"

namespace aviary::simulator {

void Simulation::updateRouting(Result<RoutingState> state) {
  std::lock_guard lock(mutex_);
  if (!state) {
    lastError_ = state.error().describe();
    return;
  }
  routing_ = std::move(*state);
  ready_ = true;
  lastError_.clear();
}

void Simulation::tick(double elapsedSeconds) {
  for (const ReleaseRouting& release : routing()) {
    metrics_.record(release.ns, release.release, generator_.generate(release, elapsedSeconds, behaviours_));
  }
}

RoutingState Simulation::routing() const {
  std::lock_guard lock(mutex_);
  return routing_;
}

bool Simulation::ready() const {
  std::lock_guard lock(mutex_);
  return ready_;
}

std::string Simulation::lastError() const {
  std::lock_guard lock(mutex_);
  return lastError_;
}

}  // namespace aviary::simulator
