#pragma once
// One simulation step: given the routing state last read from the cluster, generate the requests of
// the elapsed time for every release and record them. The caller (main) owns the loop and the time;
// tests drive tick() directly, without sleeping.
//
// Thread-safety: tick and updateRouting from the loop thread; routing() and ready() from any thread
// (HTTP handlers). Ownership: the generator, metrics and behaviours must outlive the Simulation.

#include <mutex>
#include <string>

#include "aviary/simulator/behaviour.h"
#include "aviary/simulator/routing_state.h"
#include "aviary/simulator/traffic_generator.h"
#include "aviary/simulator/traffic_metrics.h"

namespace aviary::simulator {

class Simulation {
 public:
  Simulation(TrafficGenerator& generator, TrafficMetrics& metrics, const BehaviourStore& behaviours)
      : generator_(generator), metrics_(metrics), behaviours_(behaviours) {}

  // A new state from the cluster. A failed read keeps the previous state (traffic goes on where it
  // went) and is remembered as lastError().
  void updateRouting(Result<RoutingState> state);
  void tick(double elapsedSeconds);

  RoutingState routing() const;
  // True once a read succeeded: before that the simulator knows no release.
  bool ready() const;
  std::string lastError() const;

 private:
  TrafficGenerator& generator_;
  TrafficMetrics& metrics_;
  const BehaviourStore& behaviours_;

  mutable std::mutex mutex_;
  RoutingState routing_;
  bool ready_ = false;
  std::string lastError_;
};

}  // namespace aviary::simulator
