// The decision record through reconcile(): a rollout of a release with spec.registry.mlflow leaves one
// run in the (in-memory) tracking server, a request is recorded once however many passes see its
// annotation, and an MLflow outage delays the run without holding back the rollout.
#include <gtest/gtest.h>

#include "reconciler_fixture.h"

namespace aviary::controller::testing {
namespace {

class DecisionRecordTest : public ReconcilerTest {
 protected:
  void SetUp() override {
    ReconcilerTest::SetUp();
    Json release = releaseObject("1");
    release["spec"]["registry"] = {{"mlflow", {{"url", "http://mlflow.test"}}}};
    release["spec"]["strategy"]["canary"]["steps"] =
        Json::parse(R"([{"setWeight": 30}, {"pause": {}}, {"setWeight": 60}, {"pause": {}}, {"setWeight": 100}])");
    server.seed(resources::kModelReleases, release);
    settle();
  }
  std::string phase() { return status().value("phase", ""); }
  Json records() { return status().value("decisionRecords", Json::array()); }
};

TEST_F(DecisionRecordTest, APromotionByRequestLeavesOneFinishedRunWithTheRequestOnce) {
  setVersion("2");
  settle();
  ASSERT_EQ(phase(), "Paused");
  ASSERT_EQ(mlflowRuns.runs.size(), 1u);
  EXPECT_EQ(mlflowRuns.runs[0].info.status, "RUNNING");
  annotate("promote", "p1");
  settle();
  ASSERT_EQ(phase(), "Paused");  // at the second pause
  annotate("promote", "p1");  // as if the clear had been lost: handled again, not recorded again
  settle();
  annotate("promote", "p2");
  settle();
  ASSERT_EQ(phase(), "Promoted");
  ASSERT_EQ(mlflowRuns.runs.size(), 1u);
  const auto& run = mlflowRuns.runs[0];
  EXPECT_EQ(run.info.status, "FINISHED");
  EXPECT_EQ(run.info.tags.at("aviary.version"), "2");
  EXPECT_EQ(run.info.tags.count("aviary.request.0"), 1u);
  EXPECT_EQ(run.info.tags.count("aviary.request.1"), 1u);
  EXPECT_EQ(run.info.tags.count("aviary.request.2"), 0u) << "a request recorded twice";
  EXPECT_TRUE(run.artifacts.count("decision-record.json"));
  const Json record = records().back();
  EXPECT_EQ(record["outcome"], "Promoted");
  EXPECT_EQ(record["runEnded"], true);
  EXPECT_EQ(record["sentPoints"], record["points"].size());
}

TEST_F(DecisionRecordTest, AnOutageDelaysTheRunButNotTheRollout) {
  mlflowRuns.down = true;
  setVersion("2");
  settle();
  annotate("promote-full", "p1");
  settle();
  ASSERT_EQ(phase(), "Promoted");
  EXPECT_TRUE(mlflowRuns.runs.empty());
  Json record = records().back();
  EXPECT_EQ(record["outcome"], "Promoted");
  EXPECT_FALSE(record.value("lastError", "").empty());

  mlflowRuns.down = false;
  clock.advance(std::chrono::minutes(10));
  settle();
  ASSERT_EQ(mlflowRuns.runs.size(), 1u);
  EXPECT_EQ(mlflowRuns.runs[0].info.status, "FINISHED");
  EXPECT_EQ(mlflowRuns.count("run1", "canary_weight"), records().back()["points"].size());
}

}  // namespace
}  // namespace aviary::controller::testing
