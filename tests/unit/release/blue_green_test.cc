// Blue-green: preview, pre-promotion analysis, promotion (manual or automatic), the switch, and the
// post-promotion analysis that can switch back.

#include "planner_fixture.h"

namespace aviary::release::testing {
namespace {

using std::chrono::seconds;

class BlueGreenTest : public PlannerTest {
 protected:
  void SetUp() override {
    api::BlueGreenStrategy bg;
    bg.previewReplicas = 2;
    bg.prePromotionAnalysis = api::AnalysisStep{{"error-rate"}};
    bg.scaleDownDelay = "1m";
    release = blueGreenRelease(bg);
    promotedAt("6");
  }
  api::BlueGreenStrategy& bg() { return *release.spec.strategy.blueGreen; }

  // Promoted by request with a post-promotion analysis: the pass that switches traffic.
  Plan switchWithVerification() {
    bg().postPromotionAnalysis = api::AnalysisStep{{"error-rate"}};
    previewChecked();
    pass();
    request(RequestKind::Promote, "r1", "promote");
    pass();
    return pass();
  }

  // Preview up and its pre-promotion analysis passed.
  void previewChecked() {
    pass();
    pass();
    verdict("7/pre-promotion", AnalysisPhase::Pass);
  }
};

TEST_F(BlueGreenTest, PreviewComesUpBehindTheCanaryService) {
  podsBecomeReady = false;
  Plan p = pass();
  EXPECT_EQ(p.status.phase, api::Phase::Progressing);
  EXPECT_EQ(p.status.canaryVersion, "7");
  EXPECT_EQ(actionsOf<EnsureDeployment>(p), (std::vector<EnsureDeployment>{{"7", 2}}));
  EXPECT_EQ(actionsOf<EnsureServices>(p), (std::vector<EnsureServices>{{"6", "7"}}));
  EXPECT_TRUE(actionsOf<SetTraffic>(p).empty());
  EXPECT_TRUE(actionsOf<StartAnalysis>(p).empty());  // not before the preview is available
}

TEST_F(BlueGreenTest, PrePromotionAnalysisStartsOnceThePreviewIsAvailable) {
  pass();
  Plan p = pass();
  auto starts = actionsOf<StartAnalysis>(p);
  ASSERT_EQ(starts.size(), 1u);
  EXPECT_EQ(starts[0], (StartAnalysis{"7/pre-promotion", {"error-rate"}, "7", "6"}));
  EXPECT_EQ(p.status.currentStepIndex, 1);
}

TEST_F(BlueGreenTest, WaitsForPromoteWhenNotAutomatic) {
  previewChecked();
  Plan p = pass();
  EXPECT_EQ(p.status.phase, api::Phase::Paused);
  EXPECT_FALSE(p.requeueAfter.has_value());
  EXPECT_NE(p.status.message.find("waiting for promote"), std::string::npos);
  EXPECT_TRUE(actionsOf<SetTraffic>(p).empty());
}

TEST_F(BlueGreenTest, PromoteScalesThePreviewThenSwitches) {
  previewChecked();
  pass();
  request(RequestKind::Promote, "r1", "promote");
  Plan scaling = pass();
  EXPECT_EQ(actionsOf<ScaleDeployment>(scaling), (std::vector<ScaleDeployment>{{"7", 4}}));
  EXPECT_TRUE(actionsOf<SetTraffic>(scaling).empty());
  Plan p = pass();
  EXPECT_EQ(p.status.phase, api::Phase::Promoted);
  EXPECT_EQ(p.status.stableVersion, "7");
  EXPECT_EQ(p.status.previousStableVersion, "6");
  EXPECT_EQ(actionsOf<SetTraffic>(p), (std::vector<SetTraffic>{{"7", "", 0}}));
  EXPECT_EQ(actionsOf<EnsureServices>(p), (std::vector<EnsureServices>{{"7", ""}}));
  EXPECT_EQ(p.status.scaleDownAt, formatRfc3339(clock.now() + seconds(60)));
  EXPECT_EQ(recordEvents(p), (std::vector<std::string>{"promoted"}));
}

TEST_F(BlueGreenTest, AutoPromoteAfterAutoPromotionSeconds) {
  bg().autoPromote = true;
  bg().autoPromotionSeconds = 120;
  previewChecked();
  Plan waiting = pass();
  EXPECT_EQ(waiting.status.phase, api::Phase::Progressing);
  EXPECT_EQ(waiting.requeueAfter, Duration(seconds(120)));
  clock.advance(seconds(50));
  EXPECT_EQ(pass().requeueAfter, Duration(seconds(70)));
  clock.advance(seconds(70));
  Plan p = pass();
  EXPECT_EQ(p.status.currentStepIndex, 3);  // switching: the preview grows to full size first
  EXPECT_EQ(actionsOf<ScaleDeployment>(p), (std::vector<ScaleDeployment>{{"7", 4}}));
  EXPECT_EQ(pass().status.phase, api::Phase::Promoted);
}

TEST_F(BlueGreenTest, PrePromotionFailureRollsBackWithoutMovingTraffic) {
  pass();
  pass();
  verdict("7/pre-promotion", AnalysisPhase::Fail, "error-rate 0.3");
  Plan p = pass();
  EXPECT_EQ(p.status.phase, api::Phase::RolledBack);
  EXPECT_TRUE(actionsOf<SetTraffic>(p).empty());
  EXPECT_FALSE(p.usersMove);  // the preview took no users' traffic
  EXPECT_EQ(actionsOf<DeleteDeployment>(p), (std::vector<DeleteDeployment>{{"7"}}));
}

TEST_F(BlueGreenTest, PostPromotionFailureSwitchesBack) {
  Plan switched = switchWithVerification();
  EXPECT_EQ(switched.status.phase, api::Phase::Progressing);
  EXPECT_EQ(switched.status.stableVersion, "7");
  EXPECT_EQ(actionsOf<SetTraffic>(switched), (std::vector<SetTraffic>{{"7", "", 0}}));
  EXPECT_TRUE(switched.usersMove);
  EXPECT_EQ(actionsOf<StartAnalysis>(switched),
            (std::vector<StartAnalysis>{{"7/post-promotion", {"error-rate"}, "7", "6"}}));
  EXPECT_TRUE(recordEvents(switched).empty());  // not promoted before it is verified
  clock.advance(seconds(300));  // beyond scaleDownAt: 6 stays while 7 is verified
  Plan verifying = pass();
  EXPECT_TRUE(actionsOf<DeleteDeployment>(verifying).empty());
  verdict("7/post-promotion", AnalysisPhase::Fail, "latency +40%");
  Plan p = pass();
  EXPECT_EQ(p.status.phase, api::Phase::RolledBack);
  EXPECT_EQ(p.status.stableVersion, "6");
  EXPECT_EQ(p.status.rolledBackVersion, "7");
  EXPECT_EQ(actionsOf<SetTraffic>(p), (std::vector<SetTraffic>{{"6", "", 0}}));
  EXPECT_TRUE(p.usersMove);  // the users go back to 6: the reaction is timed to this switch
  EXPECT_FALSE(p.trafficLeavesCanary);
  EXPECT_EQ(condition(p.status, "Degraded")->reason, "AnalysisFailed");
}

TEST_F(BlueGreenTest, PostPromotionPassCompletesThePromotion) {
  switchWithVerification();
  verdict("7/post-promotion", AnalysisPhase::Pass);
  Plan p = pass();
  EXPECT_EQ(p.status.phase, api::Phase::Promoted);
  EXPECT_EQ(recordEvents(p), (std::vector<std::string>{"promoted"}));
  EXPECT_EQ(actionsOf<StopAnalysis>(p), (std::vector<StopAnalysis>{{"7/post-promotion"}}));
}

TEST_F(BlueGreenTest, PromoteFullSkipsThePrePromotionAnalysis) {
  pass();
  pass();  // pre-promotion analysis running
  request(RequestKind::PromoteFull, "r1", "promote-full");
  Plan p = pass();
  EXPECT_EQ(p.status.currentStepIndex, 3);
  EXPECT_EQ(actionsOf<StopAnalysis>(p), (std::vector<StopAnalysis>{{"7/pre-promotion"}}));
  EXPECT_EQ(pass().status.phase, api::Phase::Promoted);
}

TEST_F(BlueGreenTest, AbortDropsThePreview) {
  pass();
  request(RequestKind::Abort, "r1", "abort");
  Plan p = pass();
  EXPECT_EQ(p.status.phase, api::Phase::RolledBack);
  EXPECT_EQ(actionsOf<DeleteDeployment>(p), (std::vector<DeleteDeployment>{{"7"}}));
  EXPECT_EQ(actionsOf<EnsureServices>(p), (std::vector<EnsureServices>{{"6", ""}}));
}

TEST_F(BlueGreenTest, OldVersionScaledDownAfterTheDelay) {
  previewChecked();
  pass();
  request(RequestKind::Promote, "r1", "promote");
  settle();
  ASSERT_EQ(release.status.phase, api::Phase::Promoted);
  ASSERT_EQ(observed.deployments.count("6"), 1u);
  clock.advance(seconds(60));
  EXPECT_EQ(actionsOf<DeleteDeployment>(pass()), (std::vector<DeleteDeployment>{{"6"}}));
}

}  // namespace
}  // namespace aviary::release::testing
