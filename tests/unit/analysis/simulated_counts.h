#pragma once
// Cumulative event/request counts of a canary and a baseline, look after look, drawn with a fixed seed:
// requests per look are Poisson, events among them Binomial. For the sequential judges' tests.

#include <cstdint>
#include <random>

#include "aviary/analysis/metric_value.h"

namespace aviary::analysis::testing {

struct Arm {
  double rate;
  double requestsPerLook;
};

class SimulatedCounts {
 public:
  SimulatedCounts(Arm canary, Arm baseline, uint64_t seed) : canary_(canary), baseline_(baseline), random_(seed) {}
  void look() {
    add(canary_, canaryCounts_);
    add(baseline_, baselineCounts_);
  }
  MetricValue canary() const { return canaryCounts_; }
  MetricValue baseline() const { return baselineCounts_; }
  // A new traffic share from the next look on.
  void setShare(double canaryRequests, double baselineRequests) {
    canary_.requestsPerLook = canaryRequests;
    baseline_.requestsPerLook = baselineRequests;
  }

 private:
  void add(const Arm& arm, Counts& counts) {
    const auto requests = std::poisson_distribution<long>(arm.requestsPerLook)(random_);
    counts.total += static_cast<double>(requests);
    counts.events += static_cast<double>(std::binomial_distribution<long>(requests, arm.rate)(random_));
  }
  Arm canary_, baseline_;
  std::mt19937_64 random_;
  Counts canaryCounts_, baselineCounts_;
};

}  // namespace aviary::analysis::testing
