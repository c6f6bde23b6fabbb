#include "aviary/telemetry/operator_metrics.h"

namespace aviary::telemetry {

std::vector<double> reconcileDurationBuckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
}

std::vector<double> rollbackReactionBuckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.5, 1, 2.5, 5};
}

OperatorMetrics::OperatorMetrics(MetricsRegistry& registry, const std::string& version)
    : releaseInfo(registry.gauge("aviary_release_info",
                                 "Models and versions of a release; always 1.",
                                 {"namespace", "release", "model", "stable_version", "canary_version"},
                                 {kMaxReleaseSeries})),
      releasePhase(registry.gauge("aviary_release_phase", "Current phase of a release; 1 for that phase.",
                                  {"namespace", "release", "phase"}, {kMaxReleaseSeries})),
      releaseCanaryWeight(registry.gauge("aviary_release_canary_weight",
                                         "Percent of traffic routed to the canary version.",
                                         {"namespace", "release"}, {kMaxReleaseSeries})),
      gateMeasurement(registry.gauge("aviary_gate_measurement", "Last value measured by an analysis gate.",
                                     {"namespace", "release", "gate"}, {kMaxGateSeries})),
      gateVerdicts(registry.counter("aviary_gate_verdicts_total", "Verdicts reached by analysis gates.",
                                    {"namespace", "release", "gate", "verdict"}, {kMaxGateSeries})),
      rollbacks(registry.counter("aviary_rollbacks_total", "Rollbacks started.", {"namespace", "release"},
                                 {kMaxReleaseSeries})),
      promotions(registry.counter("aviary_promotions_total", "Releases promoted to stable.",
                                  {"namespace", "release"}, {kMaxReleaseSeries})),
      reconcileDuration(registry.histogram("aviary_reconcile_duration_seconds",
                                           "Time one reconcile pass took, in seconds.", {},
                                           reconcileDurationBuckets())),
      rollbackReaction(registry.histogram("aviary_rollback_reaction_seconds",
                                          "From a failing gate measurement received to the rollback's traffic write "
                                          "acknowledged, in seconds.",
                                          {}, rollbackReactionBuckets())),
      kubeRequests(registry.counter("aviary_kube_requests_total",
                                    "Requests made to the Kubernetes API server, by verb and HTTP status code.",
                                    {"verb", "code"}, {1'000})),
      cacheBehind(registry.counter("aviary_reconcile_cache_behind_total",
                                   "Reconcile passes that found the release cache behind the operator's own last "
                                   "write and waited for its watch.")),
      workqueueDepth(registry.gauge("aviary_workqueue_depth", "Keys waiting in the work queue.")),
      measurementsPending(registry.gauge("aviary_measurements_pending",
                                         "Gate measurements waiting for or being fetched by the measurement pool.")),
      buildInfo(registry.gauge("aviary_build_info", "Version of the running operator; always 1.", {"version"})) {
  buildInfo.withLabels({"version", version}).set(1);
}

void OperatorMetrics::setReleaseInfo(const std::string& ns, const std::string& release, const std::string& model,
                                     const std::string& stableVersion, const std::string& canaryVersion) {
  releaseInfo.replaceMatching({{"namespace", ns}, {"release", release}},
                              {ns, release, model, stableVersion, canaryVersion})
      .set(1);
}

void OperatorMetrics::setPhase(const std::string& ns, const std::string& release, const std::string& phase) {
  releasePhase.replaceMatching({{"namespace", ns}, {"release", release}}, {ns, release, phase}).set(1);
}

void OperatorMetrics::forgetRelease(const std::string& ns, const std::string& release) {
  const Labels key{{"namespace", ns}, {"release", release}};
  for (FamilyBase* family : std::initializer_list<FamilyBase*>{&releaseInfo, &releasePhase, &releaseCanaryWeight,
                                                                &gateMeasurement, &gateVerdicts, &rollbacks,
                                                                &promotions}) {
    family->removeMatching(key);
  }
}

}  // namespace aviary::telemetry
