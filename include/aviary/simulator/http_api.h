#pragma once
// The simulator's HTTP API (besides /healthz, /readyz and /metrics from server::HealthEndpoints):
//   PUT    /behaviour  {"namespace","release","version","errorRate","latencyMs","predictionShift","requestsPerSecond"}
//                      → 200 with the behaviour now in effect; 400 {"error"} naming the bad field
//   GET    /behaviour  → 200 [behaviour, …] (only the versions set; others behave healthy)
//   DELETE /behaviour  {"namespace","release","version"} → 200, the version behaves healthy again;
//                      404 when it had no behaviour set
//   GET    /routing    → 200 the version shares per release the traffic follows (and why some
//                      traffic has nowhere to go), plus the last error reading the cluster
//
// Thread-safety: handlers run on server threads concurrently; everything they touch is thread-safe.
// Ownership: the store and simulation must outlive the server's routes.

#include "aviary/server/http_server.h"
#include "aviary/simulator/behaviour.h"
#include "aviary/simulator/simulation.h"
#include "aviary/telemetry/metrics_registry.h"

namespace aviary::simulator {

class SimulatorApi {
 public:
  SimulatorApi(BehaviourStore& behaviours, const Simulation& simulation)
      : behaviours_(behaviours), simulation_(simulation) {}

  // Adds the routes above and the health/metrics endpoints (ready once the cluster was read).
  void install(server::HttpServer& server, const telemetry::MetricsRegistry& registry);

  server::HttpResponse putBehaviour(const server::HttpRequest& request);
  server::HttpResponse listBehaviours(const server::HttpRequest& request) const;
  server::HttpResponse deleteBehaviour(const server::HttpRequest& request);
  server::HttpResponse getRouting(const server::HttpRequest& request) const;

 private:
  BehaviourStore& behaviours_;
  const Simulation& simulation_;
};

}  // namespace aviary::simulator
