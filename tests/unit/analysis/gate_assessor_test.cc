#include "aviary/analysis/gate_assessor.h"

#include <gtest/gtest.h>

namespace aviary::analysis {
namespace {

using namespace std::chrono_literals;
using api::Verdict;

Judgement judged(Verdict v, double value = 0) { return Judgement{v, value, std::nullopt, "detail"}; }

class GateAssessorTest : public ::testing::Test {
 protected:
  GateAssessorTest() {
    gate.name = "error-rate";
    gate.threshold = api::Threshold{std::nullopt, 0.01};
    analysis.interval = "30s";
  }
  GateTiming timing(bool background = false) { return gateTiming(gate, analysis, background); }
  // Feeds verdicts one interval apart and returns the state after the last.
  GateState feed(std::initializer_list<Verdict> verdicts, bool background = false) {
    auto t = timing(background);
    status = startGate(gate, "threshold max 0.01", t, clock.now());
    GateState state = GateState::Running;
    for (Verdict v : verdicts) {
      state = recordMeasurement(status, gate, t, judged(v), clock.now());
      clock.advance(t.interval);
    }
    return state;
  }

  api::Gate gate;
  api::AnalysisSpec analysis;
  api::GateStatus status;
  ManualClock clock;
};

TEST_F(GateAssessorTest, StepGateWithoutCountTakesOneMeasurement) {
  EXPECT_EQ(timing().count, 1);
  EXPECT_EQ(feed({Verdict::Pass}), GateState::Passed);
  EXPECT_EQ(status.verdict, Verdict::Pass);
}

TEST_F(GateAssessorTest, BackgroundGateWithoutCountNeverPassesOnItsOwn) {
  EXPECT_EQ(feed({Verdict::Pass, Verdict::Pass, Verdict::Pass}, /*background=*/true), GateState::Running);
  EXPECT_EQ(feed({Verdict::Pass, Verdict::Fail}, true), GateState::Failed);
}

struct LimitCase {
  const char* name;
  int count, failureLimit, inconclusiveLimit, consecutiveErrorLimit;
  std::vector<Verdict> verdicts;
  GateState want;
};

TEST_F(GateAssessorTest, ArgoLimitSemantics) {
  const LimitCase cases[] = {
      {"first failure fails with failureLimit 0", 3, 0, 0, 4, {Verdict::Pass, Verdict::Fail}, GateState::Failed},
      {"failureLimit 1 tolerates one", 3, 1, 0, 4, {Verdict::Fail, Verdict::Pass}, GateState::Running},
      {"failureLimit 1 fails on the second", 3, 1, 0, 4, {Verdict::Fail, Verdict::Pass, Verdict::Fail}, GateState::Failed},
      {"count reached passes", 3, 1, 0, 4, {Verdict::Fail, Verdict::Pass, Verdict::Pass}, GateState::Passed},
      {"inconclusive over its limit", 3, 0, 0, 4, {Verdict::Inconclusive}, GateState::Inconclusive},
      {"no data after the first data counts as inconclusive", 3, 0, 1, 4,
       {Verdict::Pass, Verdict::NoData, Verdict::NoData}, GateState::Inconclusive},
      {"no data before the first data is retried five times", 3, 0, 0, 4,
       {Verdict::NoData, Verdict::NoData, Verdict::NoData, Verdict::NoData, Verdict::NoData}, GateState::Running},
      {"the sixth look without data counts", 3, 0, 0, 4,
       {Verdict::NoData, Verdict::NoData, Verdict::NoData, Verdict::NoData, Verdict::NoData, Verdict::NoData},
       GateState::Inconclusive},
      {"no data never passes", 2, 0, 5, 4, {Verdict::NoData}, GateState::Running},
      {"no data never passes, however often", 2, 0, 5, 4, {Verdict::NoData, Verdict::NoData, Verdict::NoData},
       GateState::Running},
      {"count counts decisive measurements", 2, 0, 5, 4, {Verdict::NoData, Verdict::Pass, Verdict::Inconclusive,
       Verdict::Pass}, GateState::Passed},
      {"errors do not count toward count", 2, 0, 0, 4, {Verdict::Error, Verdict::Pass, Verdict::Error}, GateState::Running},
      {"five consecutive errors exceed the default 4", 9, 0, 0, 4,
       {Verdict::Error, Verdict::Error, Verdict::Error, Verdict::Error, Verdict::Error}, GateState::Errored},
      {"a success resets consecutive errors", 9, 0, 0, 1,
       {Verdict::Error, Verdict::Pass, Verdict::Error}, GateState::Running},
  };
  for (const auto& c : cases) {
    gate.count = c.count;
    gate.failureLimit = c.failureLimit;
    gate.inconclusiveLimit = c.inconclusiveLimit;
    gate.consecutiveErrorLimit = c.consecutiveErrorLimit;
    auto t = timing();
    status = startGate(gate, "j", t, clock.now());
    GateState state = GateState::Running;
    for (Verdict v : c.verdicts) state = recordMeasurement(status, gate, t, judged(v), clock.now());
    EXPECT_EQ(state, c.want) << c.name;
    EXPECT_EQ(gateState(status, gate, t), c.want) << c.name << " (recomputed from counters after a restart)";
  }
}

TEST_F(GateAssessorTest, SchedulesMeasurementsAtTheInterval) {
  gate.count = 3;
  gate.initialDelay = "1m";
  auto t = timing();
  status = startGate(gate, "j", t, clock.now());
  EXPECT_FALSE(measurementDue(status, clock.now()));
  clock.advance(60s);
  EXPECT_TRUE(measurementDue(status, clock.now()));
  recordMeasurement(status, gate, t, judged(Verdict::Pass), clock.now());
  EXPECT_EQ(status.nextMeasurementAt, formatRfc3339(clock.now() + 30s));
  recordMeasurement(status, gate, t, judged(Verdict::Error), clock.now());
  EXPECT_EQ(status.nextMeasurementAt, formatRfc3339(clock.now() + 10s)) << "errors retry after 10 s";
}

TEST_F(GateAssessorTest, KeepsTheLastTenMeasurements) {
  gate.count = 100;
  gate.failureLimit = 100;
  auto t = timing();
  status = startGate(gate, "j", t, clock.now());
  for (int i = 0; i < 15; ++i) recordMeasurement(status, gate, t, judged(Verdict::Pass, i), clock.now());
  ASSERT_EQ(status.measurements.size(), kMaxMeasurements);
  EXPECT_DOUBLE_EQ(*status.measurements.front().value, 5);
  EXPECT_DOUBLE_EQ(*status.measurements.back().value, 14);
  EXPECT_EQ(status.successes, 15);
}

TEST(CombineGates, AllMustPassDecidesOnTheWorstGate) {
  api::AnalysisSpec analysis;
  api::Gate a, b;
  a.name = "a";
  b.name = "b";
  std::vector<api::GateStatus> statuses(2);
  statuses[0].name = "a";
  statuses[1].name = "b";
  std::vector<const api::Gate*> gates{&a, &b};
  EXPECT_EQ(combineGates(statuses, gates, {GateState::Passed, GateState::Passed}, analysis).state, GateState::Passed);
  EXPECT_EQ(combineGates(statuses, gates, {GateState::Running, GateState::Failed}, analysis).state, GateState::Failed)
      << "a failure decides at once, without waiting for the running gate";
  EXPECT_EQ(combineGates(statuses, gates, {GateState::Passed, GateState::Errored}, analysis).state, GateState::Errored);
  EXPECT_EQ(combineGates(statuses, gates, {GateState::Inconclusive, GateState::Running}, analysis).state,
            GateState::Inconclusive);
  EXPECT_EQ(combineGates(statuses, gates, {GateState::Passed, GateState::Running}, analysis).state, GateState::Running);
  auto failed = combineGates(statuses, gates, {GateState::Passed, GateState::Failed}, analysis);
  EXPECT_NE(failed.message.find("gate b Failed"), std::string::npos) << failed.message;
}

TEST(CombineGates, KayentaStyleScore) {
  api::AnalysisSpec analysis;
  analysis.passScore = 75;
  analysis.marginalScore = 50;
  std::vector<api::Gate> gates(4);
  std::vector<api::GateStatus> statuses(4);
  std::vector<const api::Gate*> ptrs;
  for (size_t i = 0; i < gates.size(); ++i) {
    gates[i].name = statuses[i].name = "g" + std::to_string(i);
    ptrs.push_back(&gates[i]);
  }
  using S = GateState;
  auto pass3 = combineGates(statuses, ptrs, {S::Passed, S::Passed, S::Passed, S::Failed}, analysis);
  EXPECT_EQ(pass3.state, S::Passed);
  EXPECT_DOUBLE_EQ(*pass3.score, 75);
  EXPECT_EQ(combineGates(statuses, ptrs, {S::Passed, S::Passed, S::Failed, S::Failed}, analysis).state, S::Inconclusive);
  EXPECT_EQ(combineGates(statuses, ptrs, {S::Passed, S::Failed, S::Failed, S::Failed}, analysis).state, S::Failed);
  EXPECT_EQ(combineGates(statuses, ptrs, {S::Passed, S::Running, S::Passed, S::Passed}, analysis).state, S::Running);
  gates[3].critical = true;
  auto critical = combineGates(statuses, ptrs, {S::Passed, S::Running, S::Passed, S::Failed}, analysis);
  EXPECT_EQ(critical.state, S::Failed);
  EXPECT_DOUBLE_EQ(*critical.score, 0);
}

}  // namespace
}  // namespace aviary::analysis
