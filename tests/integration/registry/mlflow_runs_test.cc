// MlflowRuns (the run tracker behind decision records) against the real MLflow server started by
// hack/cluster.sh with --serve-artifacts (AVIARY_MLFLOW_URL): experiments, finding runs by tags,
// log-batch with original timestamps, a repeated batch stored once, the artifact proxy, and a server
// that is not there.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>

#include "aviary/registry/model_registry.h"
#include "aviary/registry/run_tracker.h"

namespace aviary::registry {
namespace {

class MlflowRunsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* url = std::getenv("AVIARY_MLFLOW_URL");
    if (!url) GTEST_SKIP() << "AVIARY_MLFLOW_URL unset: run under hack/test.sh (hack/cluster.sh env)";
    registry = makeMlflowRegistry(url);
    runs = registry->runTracker();
    ASSERT_NE(runs, nullptr);
    experiment = "aviary/runs-test/" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
  }

  ModelRegistryPtr registry;
  RunTracker* runs = nullptr;
  std::string experiment;
};

TEST_F(MlflowRunsTest, AnExperimentIsCreatedOnceAndFoundAgain) {
  auto missing = runs->findExperiment(experiment);
  ASSERT_TRUE(missing.ok()) << missing.error().message;
  EXPECT_FALSE(*missing);
  auto id = runs->ensureExperiment(experiment);
  ASSERT_TRUE(id.ok()) << id.error().message;
  auto again = runs->ensureExperiment(experiment);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*id, *again);
}

TEST_F(MlflowRunsTest, ARunIsFoundByItsTagsAndKeepsEachPointOnce) {
  auto id = runs->ensureExperiment(experiment);
  ASSERT_TRUE(id.ok());
  const std::map<std::string, std::string> identity{{"aviary.release_uid", "u-1"}, {"aviary.rollout", "3"}};
  auto none = runs->findRun(*id, identity);
  ASSERT_TRUE(none.ok()) << none.error().message;
  EXPECT_FALSE(*none);
  auto run = runs->createRun(*id, "rollout-3-v8", 1'700'000'000'000, identity);
  ASSERT_TRUE(run.ok()) << run.error().message;
  auto found = runs->findRun(*id, identity);
  ASSERT_TRUE(found.ok() && *found);
  EXPECT_EQ((*found)->runId, run->runId);

  const std::vector<MetricPoint> batch{{"gate/error-rate/value", 0.004, 1'700'000'030'000, 1},
                                       {"gate/error-rate/value", 0.006, 1'700'000'060'000, 1}};
  ASSERT_TRUE(runs->logBatch(run->runId, batch, {{"model.version", "8"}}, {{"aviary.outcome", "Promoted"}}).ok());
  ASSERT_TRUE(runs->logBatch(run->runId, batch, {{"model.version", "8"}}, {}).ok());  // a retried batch
  auto history = runs->metricHistory(run->runId, "gate/error-rate/value");
  ASSERT_TRUE(history.ok()) << history.error().message;
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].timestampMs + (*history)[1].timestampMs, 1'700'000'030'000 + 1'700'000'060'000);

  ASSERT_TRUE(runs->endRun(run->runId, "FAILED", 1'700'000'090'000).ok());
  auto ended = runs->getRun(run->runId);
  ASSERT_TRUE(ended.ok());
  EXPECT_EQ(ended->status, "FAILED");
  EXPECT_EQ(ended->params.at("model.version"), "8");
  EXPECT_EQ(ended->tags.at("aviary.outcome"), "Promoted");
}

TEST_F(MlflowRunsTest, TheArtifactGoesThroughTheTrackingServersProxy) {
  auto id = runs->ensureExperiment(experiment);
  ASSERT_TRUE(id.ok());
  auto run = runs->createRun(*id, "rollout-1-v2", 1'700'000'000'000, {});
  ASSERT_TRUE(run.ok());
  ASSERT_EQ(run->artifactUri.rfind("mlflow-artifacts:", 0), 0u) << run->artifactUri << " (MLflow without --serve-artifacts?)";
  auto uploaded = runs->uploadArtifact(*run, "decision-record.json", "{\"schema\":\"aviary.dev/decision-record/v1\"}\n");
  ASSERT_TRUE(uploaded.ok()) << uploaded.error().message;
  auto read = runs->downloadArtifact(*run, "decision-record.json");
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(*read, "{\"schema\":\"aviary.dev/decision-record/v1\"}\n");
  EXPECT_EQ(runs->runUrl(*id, run->runId).find(std::getenv("AVIARY_MLFLOW_URL")), 0u);
}

TEST_F(MlflowRunsTest, AnArtifactStoreOutsideTheProxyIsNamed) {
  RunInfo run;
  run.runId = "r1";
  run.artifactUri = "/var/mlflow/artifacts/1/r1/artifacts";
  auto uploaded = runs->uploadArtifact(run, "decision-record.json", "{}");
  ASSERT_FALSE(uploaded.ok());
  EXPECT_NE(uploaded.error().message.find("--serve-artifacts"), std::string::npos) << uploaded.error().message;
}

TEST(MlflowRunsDown, AnUnreachableServerIsUnavailable) {
  auto registry = makeMlflowRegistry("http://127.0.0.1:1");
  auto id = registry->runTracker()->ensureExperiment("aviary/x/y");
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.error().code, ErrorCode::Unavailable);
}

}  // namespace
}  // namespace aviary::registry
