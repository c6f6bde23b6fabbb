// Recording generated requests into the telemetry registry.

#include "aviary/simulator/traffic_metrics.h"

namespace aviary::simulator {
namespace {

// Twice what a large e2e run creates; beyond it the registry refuses new series rather than growing.
constexpr std::size_t kMaxSeries = 50'000;

}  // namespace

TrafficMetrics::TrafficMetrics(telemetry::MetricsRegistry& registry)
    : requests_(registry.counter("model_requests_total", "Requests served by a model version (mirrored: copies).",
                                 {"namespace", "release", "version", "code", "mirrored"}, {kMaxSeries})),
      duration_(registry.histogram("model_request_duration_seconds", "Request latency of a model version.",
                                   {"namespace", "release", "version", "mirrored"}, latencyBuckets(), {kMaxSeries})),
      score_(registry.histogram("model_prediction_score", "Prediction scores returned by a model version.",
                                {"namespace", "release", "version", "mirrored"}, scoreBuckets(), {kMaxSeries})),
      compared_(registry.counter("model_shadow_compared_total",
                                 "Mirrored requests whose prediction was compared with the served one.",
                                 {"namespace", "release", "version"}, {kMaxSeries})),
      agreement_(registry.counter("model_shadow_agreement_total",
                                  "Mirrored requests whose prediction agreed with the served one (within the tolerance).",
                                  {"namespace", "release", "version"}, {kMaxSeries})) {}

void TrafficMetrics::record(const std::string& ns, const std::string& release, const std::vector<Request>& requests) {
  for (const Request& r : requests) {
    const std::string mirrored = r.mirrored ? "true" : "false";
    requests_.withValues({ns, release, r.version, std::to_string(r.code), mirrored}).inc();
    // The other code's series exists at 0 from the first request, as Prometheus client libraries
    // advise: increase() over a series born mid-window drops the errors before its first scrape, so a
    // canary's first look would undercount them.
    requests_.withValues({ns, release, r.version, r.code == 200 ? "500" : "200", mirrored});
    duration_.withValues({ns, release, r.version, mirrored}).observe(r.latencySeconds);
    score_.withValues({ns, release, r.version, mirrored}).observe(r.score);
    if (!r.mirrored) continue;
    compared_.withValues({ns, release, r.version}).inc();
    if (r.agrees) {
      agreement_.withValues({ns, release, r.version}).inc();
    } else {
      agreement_.withValues({ns, release, r.version});  // the series exists at 0, so a ratio reads 0, not no data
    }
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
