// Analysis steps: every verdict the gate assessor can report, and what the planner does with it.

#include "planner_fixture.h"

namespace aviary::release::testing {
namespace {

using std::chrono::seconds;

struct VerdictCase {
  const char* name;
  std::optional<AnalysisPhase> verdict;  // nullopt: not started
  bool automatic;
  api::Phase phase;
  int32_t stepIndex;      // after the pass
  int startAnalyses;
  int setTraffic;
  std::optional<Duration> requeue;
  std::string degraded;   // reason of Degraded=True, "" for False
};

class AnalysisVerdictTest : public PlannerTest, public ::testing::WithParamInterface<VerdictCase> {
 protected:
  void SetUp() override {
    release = canaryRelease({weightStep(20), analysisStep(), weightStep(60)});
    promotedAt("6");
    pass();
    pass();  // weight 20 set, analysis step 1 started
    observed.analyses.clear();
  }
};

TEST_P(AnalysisVerdictTest, ActsOnTheVerdict) {
  const VerdictCase& c = GetParam();
  release.spec.rollback.automatic = c.automatic;
  if (c.verdict) verdict("7/step-1", *c.verdict, "error-rate 0.2 > 0.01");
  Plan p = run();
  EXPECT_EQ(p.status.phase, c.phase) << p.status.message;
  EXPECT_EQ(p.status.currentStepIndex, c.stepIndex);
  EXPECT_EQ(static_cast<int>(actionsOf<StartAnalysis>(p).size()), c.startAnalyses) << describeAll(p);
  EXPECT_EQ(static_cast<int>(actionsOf<SetTraffic>(p).size()), c.setTraffic) << describeAll(p);
  EXPECT_EQ(p.requeueAfter, c.requeue);
  const api::Condition* degraded = condition(p.status, "Degraded");
  EXPECT_EQ(degraded->status, c.degraded.empty() ? "False" : "True");
  if (!c.degraded.empty()) {
    EXPECT_EQ(degraded->reason, c.degraded);
  }
}

const Duration kInterval = seconds(30);
INSTANTIATE_TEST_SUITE_P(
    Verdicts, AnalysisVerdictTest,
    ::testing::Values(
        VerdictCase{"NotStarted", std::nullopt, true, api::Phase::Progressing, 1, 1, 0, kInterval, ""},
        VerdictCase{"Running", AnalysisPhase::Running, true, api::Phase::Progressing, 1, 0, 0, kInterval, ""},
        VerdictCase{"ErrorKeepsWaiting", AnalysisPhase::Error, true, api::Phase::Progressing, 1, 0, 0, kInterval, ""},
        // Pass advances to weight 60: its pods are scaled first, so no traffic moves in this pass.
        VerdictCase{"Pass", AnalysisPhase::Pass, true, api::Phase::Progressing, 2, 0, 0, Duration(seconds(600)), ""},
        VerdictCase{"FailRollsBack", AnalysisPhase::Fail, true, api::Phase::RolledBack, 0, 0, 1, std::nullopt,
                    "AnalysisFailed"},
        VerdictCase{"FailWithoutAutomaticStops", AnalysisPhase::Fail, false, api::Phase::Paused, 1, 0, 0,
                    std::nullopt, "AnalysisFailed"},
        VerdictCase{"InconclusivePauses", AnalysisPhase::Inconclusive, true, api::Phase::Paused, 1, 0, 0,
                    std::nullopt, ""}),
    [](const auto& info) { return std::string(info.param.name); });

class AnalysisTest : public PlannerTest {
 protected:
  void SetUp() override {
    release = canaryRelease({weightStep(20), analysisStep({"error-rate", "latency"}), weightStep(60)});
    promotedAt("6");
    pass();
  }
};

TEST_F(AnalysisTest, StartAnalysisNamesStageGatesAndVersions) {
  Plan p = pass();
  auto starts = actionsOf<StartAnalysis>(p);
  ASSERT_EQ(starts.size(), 1u);
  EXPECT_EQ(starts[0], (StartAnalysis{"7/step-1", {"error-rate", "latency"}, "7", "6"}));
  EXPECT_TRUE(actionsOf<StartAnalysis>(pass()).empty());  // running: not started twice
}

TEST_F(AnalysisTest, PassStopsTheStage) {
  pass();
  verdict("7/step-1", AnalysisPhase::Pass);
  Plan p = pass();
  EXPECT_EQ(actionsOf<StopAnalysis>(p), (std::vector<StopAnalysis>{{"7/step-1"}}));
}

TEST_F(AnalysisTest, ErrorNeverPromotes) {
  pass();
  verdict("7/step-1", AnalysisPhase::Error, "prometheus unreachable");
  for (int i = 0; i < 5; ++i) {
    clock.advance(std::chrono::minutes(10));
    Plan p = pass();
    EXPECT_EQ(p.status.currentStepIndex, 1);
    EXPECT_NE(p.status.message.find("prometheus unreachable"), std::string::npos);
  }
}

TEST_F(AnalysisTest, FailRollbackIsOneSetTrafficFirst) {
  pass();
  verdict("7/step-1", AnalysisPhase::Fail, "error-rate 0.2 > 0.01");
  Plan p = pass();
  EXPECT_EQ(actionsOf<SetTraffic>(p), (std::vector<SetTraffic>{{"6", "", 0}}));
  EXPECT_EQ(indexOf<SetTraffic>(p), 0) << describeAll(p);
  EXPECT_NE(condition(p.status, "Degraded")->message.find("error-rate 0.2 > 0.01"), std::string::npos);
}

// A human decides on a release paused by its analysis: promote skips the step.
class PromotePausedAnalysisTest : public AnalysisTest, public ::testing::WithParamInterface<AnalysisPhase> {};

TEST_P(PromotePausedAnalysisTest, SkipsTheStep) {
  release.spec.rollback.automatic = false;
  pass();
  verdict("7/step-1", GetParam(), "too few samples");
  ASSERT_EQ(pass().status.phase, api::Phase::Paused);
  request(RequestKind::Promote, "r1", "promote");
  Plan p = pass();
  EXPECT_EQ(p.status.currentStepIndex, 2);
  EXPECT_EQ(actionsOf<StopAnalysis>(p), (std::vector<StopAnalysis>{{"7/step-1"}}));
  EXPECT_EQ(condition(p.status, "Degraded")->status, "False");
}

INSTANTIATE_TEST_SUITE_P(Verdicts, PromotePausedAnalysisTest,
                         ::testing::Values(AnalysisPhase::Inconclusive, AnalysisPhase::Fail));

TEST_F(AnalysisTest, AVerdictOfAnotherVersionIsNotUsed) {
  verdict("5/step-1", AnalysisPhase::Pass);  // left over from an older rollout
  Plan p = pass();
  EXPECT_EQ(p.status.currentStepIndex, 1);
  EXPECT_EQ(actionsOf<StartAnalysis>(p).size(), 1u);
}

}  // namespace
}  // namespace aviary::release::testing
