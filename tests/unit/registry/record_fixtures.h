#pragma once
// Rollouts played pass by pass into recordPass(), shared by the record builder's and the run
// outbox's tests: a release, a manual clock, and the status each pass leaves.

#include <functional>

#include "aviary/common/clock.h"
#include "aviary/registry/decision_record.h"
#include "mocks/api/canary_steps.h"

namespace aviary::registry::testing {

using namespace std::chrono_literals;

inline TimePoint epoch() {
  TimePoint t;
  parseRfc3339("2026-03-01T10:00:00Z", t);
  return t;
}

inline api::Gate thresholdGate(std::string name, double max) {
  api::Gate g;
  g.name = std::move(name);
  g.prometheus = api::PrometheusProvider{};
  g.prometheus->address = "http://prometheus:9090";
  g.prometheus->query = "sum(rate(errors{version=\"{{version}}\"}[1m]))";
  g.threshold = api::Threshold{std::nullopt, max};
  return g;
}
inline api::Gate compareGate(std::string name) {
  api::Gate g;
  g.name = std::move(name);
  g.prometheus = api::PrometheusProvider{};
  g.prometheus->address = "http://prometheus:9090";
  g.prometheus->query = "latency_ms{version=\"{{version}}\"}";
  g.compare = api::CompareSpec{};
  g.compare->confidence = 0.98;
  return g;
}

inline api::ModelRelease canaryRelease() {
  api::ModelRelease r;
  r.metadata.name = "fraud";
  r.metadata.namespace_ = "ml";
  r.metadata.uid = "uid-1";
  r.spec.model = {"fraud-model", "8"};
  api::CanaryStrategy canary;
  using namespace aviary::testing;
  canary.steps = {weightStep(20), analysisStep({"error-rate", "latency"}), approvalStep(), weightStep(50),
                  analysisStep({"error-rate"})};
  r.spec.strategy.canary = canary;
  r.spec.analysis.gates = {thresholdGate("error-rate", 0.01), compareGate("latency")};
  return r;
}

inline api::ModelRelease blueGreenRelease() {
  api::ModelRelease r = canaryRelease();
  r.spec.strategy.canary.reset();
  api::BlueGreenStrategy bg;
  bg.prePromotionAnalysis = api::AnalysisStep{{"error-rate"}};
  r.spec.strategy.blueGreen = bg;
  return r;
}

// One rollout played pass by pass; every pass is 30 s after the one before.
struct Rollout {
  api::ModelRelease release;
  api::ModelReleaseStatus status;
  ManualClock clock{epoch()};

  explicit Rollout(api::ModelRelease r) : release(std::move(r)) { status.stableVersion = "7"; status.phase = api::Phase::Promoted; }

  void pass(const std::function<void(api::ModelReleaseStatus&)>& change, const PassFacts& facts = {}) {
    api::ModelRelease before = release;
    before.status = status;
    api::ModelReleaseStatus next = status;
    change(next);
    recordPass(before, next, facts, clock.now());
    status = next;
    clock.advance(30s);
  }

  std::string now() const { return formatRfc3339(clock.now()); }

  GateReading reading(const std::string& gate, const std::string& stage, api::Verdict verdict, std::optional<double> value,
                      std::optional<double> baseline = std::nullopt, const std::string& detail = "") const {
    api::Measurement m;
    m.time = now();
    m.verdict = verdict;
    m.value = value;
    m.baseline = baseline;
    m.detail = detail;
    return {gate, stage, m, std::nullopt};
  }

  // Starts the rollout of `version` at weight 20 (canary) or into preview (blue-green).
  void start(const std::string& version = "8") {
    pass([&](api::ModelReleaseStatus& s) {
      s.canaryVersion = version;
      s.rolloutStartedAt = now();
      s.phase = api::Phase::Progressing;
      s.currentStepIndex = 0;
      s.canaryWeight = release.spec.strategy.canary ? 20 : 0;
    });
  }
  void step(int index, api::Phase phase = api::Phase::Progressing, std::optional<int> weight = std::nullopt,
            const PassFacts& facts = {}) {
    pass([&](api::ModelReleaseStatus& s) {
      s.currentStepIndex = index;
      s.phase = phase;
      if (weight) s.canaryWeight = *weight;
    }, facts);
  }
  void promote() {
    pass([&](api::ModelReleaseStatus& s) {
      s.history.push_back({s.canaryVersion, "Promoted", now(), "all steps complete"});
      s.stableVersion = s.canaryVersion;
      s.previousStableVersion = "7";
      s.canaryVersion = "";
      s.canaryWeight = 0;
      s.phase = api::Phase::Promoted;
      s.message = "version 8 is stable";
    });
  }
  // As the planner does when a reading fails: rolled back within the pass that took the reading.
  void rollBack(const std::string& message, const PassFacts& facts) {
    pass([&](api::ModelReleaseStatus& s) {
      s.history.push_back({s.canaryVersion, "RolledBack", now(), message});
      s.rolledBackVersion = s.canaryVersion;
      s.canaryVersion = "";
      s.canaryWeight = 0;
      s.phase = api::Phase::RolledBack;
      s.message = message;
    }, facts);
  }
};

// The canary of canaryRelease(): two analysis steps with readings, an approval, then promoted.
inline Rollout promotedCanary() {
  Rollout r(canaryRelease());
  r.start();
  r.step(1, api::Phase::Progressing, std::nullopt,
         {{r.reading("error-rate", "8/step-1", api::Verdict::Pass, 0.004),
           r.reading("latency", "8/step-1", api::Verdict::Pass, 41.5, 40.2, "p=0.31 shift=+1.3 ci=[-0.5,3.1]")}, {}, {}});
  r.pass([](api::ModelReleaseStatus&) {},
         {{r.reading("error-rate", "8/step-1", api::Verdict::Pass, 0.006),
           r.reading("latency", "8/step-1", api::Verdict::Pass, 40.9, 40.4, "p=0.52 shift=+0.5 ci=[-1.0,2.0]")}, {}, {}});
  r.step(2, api::Phase::AwaitingApproval);
  api::ApprovalRecord approved{"fraud-8-alice", "alice@example.com", "approve", "latency flat, error rate fine", 2,
                               r.now(), true, "approved step 2"};
  r.step(3, api::Phase::Progressing, 50, {{}, {approved}, {}});
  r.step(4, api::Phase::Progressing, std::nullopt, {{r.reading("error-rate", "8/step-4", api::Verdict::Pass, 0.005)}, {}, {}});
  r.promote();
  return r;
}

// The canary rolled back by a failing error-rate reading at step 1.
inline Rollout rolledBackCanary() {
  Rollout r(canaryRelease());
  r.start();
  r.step(1, api::Phase::Progressing, std::nullopt, {{r.reading("error-rate", "8/step-1", api::Verdict::Pass, 0.004)}, {}, {}});
  r.rollBack("gate error-rate failed: 0.052 > max 0.01",
             {{r.reading("error-rate", "8/step-1", api::Verdict::Fail, 0.052, std::nullopt, "0.052 > max 0.01")}, {}, {}});
  return r;
}

}  // namespace aviary::registry::testing
