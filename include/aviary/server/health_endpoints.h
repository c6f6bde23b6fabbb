#pragma once
// The probes and the scrape endpoint every operator process serves:
//   GET /healthz  200 "ok" while the server runs (liveness: the process answers at all);
//   GET /readyz   200 "ok" when the readiness check says so, else 503 with its reason (e.g. caches
//                 not yet synced, not the leader);
//   GET /metrics  the registry in the Prometheus text format 0.0.4.
//
// Thread-safety: the check runs on server threads, possibly several at once. Ownership: the registry
// and whatever the check refers to must outlive the server's routes (stop the server first).

#include <functional>
#include <string>

#include "aviary/server/http_server.h"
#include "aviary/telemetry/metrics_registry.h"

namespace aviary::server {

struct Readiness {
  bool ready = false;
  std::string reason;  // why not ready; shown in the 503 body
};
using ReadinessCheck = std::function<Readiness()>;

class HealthEndpoints {
 public:
  static constexpr const char* kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

  // Adds the three routes to `server`.
  static void install(HttpServer& server, const telemetry::MetricsRegistry& registry, ReadinessCheck readiness);
};

}  // namespace aviary::server
