#pragma once
// The operator's metric set. The names and labels below are a contract (dashboards, alerts and
// docs/metrics.md depend on them): change them only with a deprecation.
//
// Per-release series are bounded (see kMaxReleaseSeries) and removed by forgetRelease() when the
// release is deleted, so a long-lived operator does not accumulate series of releases that are gone.
//
// Thread-safety: every member may be used from any thread. Ownership: the families belong to the
// registry, which must outlive this struct.

#include <cstddef>
#include <string>

#include "aviary/telemetry/metrics_registry.h"

namespace aviary::telemetry {

struct OperatorMetrics {
  // Twice the design's scale target of 10,000 releases per replica; gate families allow for several
  // gates (and verdicts) per release.
  static constexpr std::size_t kMaxReleaseSeries = 20'000;
  static constexpr std::size_t kMaxGateSeries = 100'000;

  // Registers the families in `registry` (or picks up the ones registered already) and sets
  // aviary_build_info{version} to 1.
  OperatorMetrics(MetricsRegistry& registry, const std::string& version);

  // Gauge 1 {namespace, release, model, stable_version, canary_version}.
  Gauge& releaseInfo;
  // Gauge 1 {namespace, release, phase}: one series per release, for its current phase.
  Gauge& releasePhase;
  // Gauge {namespace, release}: percent of traffic on the canary (0–100).
  Gauge& releaseCanaryWeight;
  // Gauge {namespace, release, gate}: the last value a gate measured.
  Gauge& gateMeasurement;
  // Counter {namespace, release, gate, verdict}.
  Counter& gateVerdicts;
  // Counter {namespace, release}.
  Counter& rollbacks;
  // Counter {namespace, release}.
  Counter& promotions;
  // Histogram, seconds, 0.0005 … 5.
  Histogram& reconcileDuration;
  // Histogram, seconds, 0.001 … 5: from a failing gate measurement coming back to the rollback's
  // traffic write acknowledged (both in the same reconcile pass).
  Histogram& rollbackReaction;
  // Counter {verb, code}: verb is the HTTP method, with LIST and WATCH told apart from GET (as the API
  // server's apiserver_request_total does); code is the HTTP status, "0" when no answer came.
  Counter& kubeRequests;
  // Counter: passes that found the release cache behind the operator's own last write, did nothing,
  // and waited for the watch to deliver it.
  Counter& cacheBehind;
  // Gauge: keys waiting in the work queue.
  Gauge& workqueueDepth;
  // Gauge: gate looks waiting for or being fetched by the measurement pool.
  Gauge& measurementsPending;
  // Gauge 1 {version}.
  Gauge& buildInfo;

  // Sets the info series of a release, replacing the one with its previous model or versions.
  void setReleaseInfo(const std::string& ns, const std::string& release, const std::string& model,
                      const std::string& stableVersion, const std::string& canaryVersion);
  // Sets the release's phase series to 1, replacing the series of its previous phase.
  void setPhase(const std::string& ns, const std::string& release, const std::string& phase);
  // Removes every series of this release from every per-release family.
  void forgetRelease(const std::string& ns, const std::string& release);
};

// The buckets of aviary_reconcile_duration_seconds: 0.5 ms to 5 s.
std::vector<double> reconcileDurationBuckets();
// The buckets of aviary_rollback_reaction_seconds: 1 ms to 5 s, finer around the 250 ms target.
std::vector<double> rollbackReactionBuckets();

}  // namespace aviary::telemetry
