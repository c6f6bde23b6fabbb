// Recording generated requests into the telemetry registry.

#include "aviary/simulator/traffic_metrics.h"

namespace aviary::simulator {
namespace {

// Twice what a large e2e run creates; beyond it the registry refuses new series rather than growing.
constexpr std::size_t kMaxSeries = 50'000;

}  // namespace

TrafficMetrics::TrafficMetrics(telemetry::MetricsRegistry& registry)
    : requests_(registry.counter("model_requests_total", "Requests served by a model version.",
                                 {"namespace", "release", "version", "code"}, {kMaxSeries})),
      duration_(registry.histogram("model_request_duration_seconds", "Request latency of a model version.",
                                   {"namespace", "release", "version"}, latencyBuckets(), {kMaxSeries})),
      score_(registry.histogram("model_prediction_score", "Prediction scores returned by a model version.",
                                {"namespace", "release", "version"}, scoreBuckets(), {kMaxSeries})) {}

void TrafficMetrics::record(const std::string& ns, const std::string& release, const std::vector<Request>& requests) {
  for (const Request& r : requests) {
    requests_.withValues({ns, release, r.version, std::to_string(r.code)}).inc();
    duration_.withValues({ns, release, r.version}).observe(r.latencySeconds);
    score_.withValues({ns, release, r.version}).observe(r.score);
  }
}

std::vector<double> TrafficMetrics::latencyBuckets() {
  return {0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 2.5, 5, 10};
}

std::vector<double> TrafficMetrics::scoreBuckets() {
  std::vector<double> buckets;
  for (int i = 1; i <= 20; ++i) buckets.push_back(i / 20.0);
  return buckets;
}

}  // namespace aviary::simulator
