#pragma once
// The simulator's series, as model servers behind a mesh would expose them (the names the examples'
// gate queries use):
//   model_requests_total{namespace,release,version,code,mirrored}      counter
//   model_request_duration_seconds{namespace,release,version,mirrored} histogram (seconds)
//   model_prediction_score{namespace,release,version,mirrored}         histogram (0..1)
//   model_shadow_compared_total{namespace,release,version}             counter: mirrored copies compared
//   model_shadow_agreement_total{namespace,release,version}            counter: … that agreed
// mirrored="true" marks copies made by a mirror: their answers reached nobody, so they are never
// served requests (select served ones with mirrored="false").
//
// Thread-safety: record may be called from any thread. Ownership: the families belong to the
// registry, which must outlive this object.

#include <string>
#include <vector>

#include "aviary/simulator/traffic_generator.h"
#include "aviary/telemetry/metrics_registry.h"

namespace aviary::simulator {

class TrafficMetrics {
 public:
  explicit TrafficMetrics(telemetry::MetricsRegistry& registry);

  void record(const std::string& ns, const std::string& release, const std::vector<Request>& requests);

  // 5 ms … 10 s, dense around the healthy 30 ms and a slow canary's ~100–500 ms.
  static std::vector<double> latencyBuckets();
  // 0.05, 0.10, … 1.0: fine enough for a PSI judge over the score distribution.
  static std::vector<double> scoreBuckets();

 private:
  telemetry::Counter& requests_;
  telemetry::Histogram& duration_;
  telemetry::Histogram& score_;
  telemetry::Counter& compared_;
  telemetry::Counter& agreement_;
};

}  // namespace aviary::simulator
