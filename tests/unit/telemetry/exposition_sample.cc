// Prints a rendered registry holding every metric type, special values and tricky label values, for
// `promtool check metrics` (see promtool_check.sh) to parse and lint.

#include <cstdio>
#include <limits>

#include "aviary/telemetry/operator_metrics.h"

int main() {
  using namespace aviary::telemetry;
  MetricsRegistry registry;
  OperatorMetrics metrics(registry, "0.1.0-test+sha.1234");

  metrics.setReleaseInfo("ml", "fraud-scorer", "models/\"fraud\"\\scorer\nv2", "6", "7");
  metrics.setPhase("ml", "fraud-scorer", "Progressing");
  metrics.releaseCanaryWeight.withLabels({"namespace", "ml"}, {"release", "fraud-scorer"}).set(12.5);
  metrics.gateMeasurement.withLabels({"namespace", "ml"}, {"release", "fraud-scorer"}, {"gate", "error-rate"})
      .set(0.0001234);
  metrics.gateMeasurement.withLabels({"namespace", "ml"}, {"release", "fraud-scorer"}, {"gate", "no-data"})
      .set(std::numeric_limits<double>::quiet_NaN());
  metrics.gateMeasurement.withLabels({"namespace", "ml"}, {"release", "fraud-scorer"}, {"gate", "ratio"})
      .set(std::numeric_limits<double>::infinity());
  metrics.gateMeasurement.withLabels({"namespace", "ml"}, {"release", "fraud-scorer"}, {"gate", "delta"})
      .set(-std::numeric_limits<double>::infinity());
  metrics.gateVerdicts
      .withLabels({"namespace", "ml"}, {"release", "fraud-scorer"}, {"gate", "error-rate"}, {"verdict", "Successful"})
      .inc(3);
  metrics.rollbacks.withLabels({"namespace", "ml"}, {"release", "modèle-✓"}).inc();
  metrics.promotions.withLabels({"namespace", "ml"}, {"release", "bad-utf8-\xff\xfe"}).inc();
  for (double seconds : {0.0001, 0.003, 0.04, 0.7, 9.0}) metrics.reconcileDuration.observe(seconds);
  metrics.kubeRequests.withLabels({"verb", "PATCH"}, {"code", "409"}).inc();
  metrics.workqueueDepth.set(3);

  Histogram& labelled = registry.histogram("aviary_test_request_duration_seconds", "Help with \\ and\nnewline.",
                                           {"route"});
  labelled.withLabels({"route", "/api/v1/{ns}/{name}"}).observe(0.02);
  labelled.withLabels({"route", ""}).observe(1e-9);

  Counter& limited = registry.counter("aviary_test_limited_total", "A family with one series allowed.", {"k"},
                                      {1});
  limited.withLabels({"k", "a"}).inc();
  limited.withLabels({"k", "b"}).inc();  // refused: shows up in aviary_metrics_dropped_series_total

  std::fputs(registry.render().c_str(), stdout);
  return 0;
}
