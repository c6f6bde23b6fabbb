// The run outbox against an in-memory tracking server (tests/mocks/registry/fake_run_tracker.h):
// one run per rollout, found again after a restart, points batched within MLflow's limits and sent
// once, an outage delaying but never losing a reading, and the run ended with the outcome's status.
#include "aviary/registry/run_outbox.h"

#include <gtest/gtest.h>

#include "record_fixtures.h"
#include "mocks/registry/fake_run_tracker.h"

namespace aviary::registry {
namespace {

using namespace testing;
using aviary::testing::FakeRunTracker;

class TagRegistry : public ModelRegistry {
 public:
  Result<ModelVersionInfo> getModelVersion(const std::string&, const std::string&) override {
    return makeError(ErrorCode::NotFound, "unused");
  }
  Status setVersionTags(const std::string&, const std::string& version, const std::map<std::string, std::string>& t) override {
    for (const auto& [k, v] : t) tags[version][k] = v;
    return okStatus();
  }
  Status setAlias(const std::string&, const std::string&, const std::string&) override { return okStatus(); }
  Status deleteAlias(const std::string&, const std::string&) override { return okStatus(); }
  std::map<std::string, std::map<std::string, std::string>> tags;
};

struct Sync {
  FakeRunTracker runs;
  TagRegistry registry;
  RunSyncResult operator()(Rollout& r) {
    return syncRuns(r.status.decisionRecords, r.release, runs, registry, r.clock.now());
  }
};

TEST(RunOutbox, APromotedCanaryBecomesOneFinishedRunWithEverything) {
  auto r = promotedCanary();
  Sync sync;
  auto result = sync(r);
  EXPECT_TRUE(result.lastError.empty()) << result.lastError;
  ASSERT_EQ(sync.runs.runs.size(), 1u);
  const auto& run = sync.runs.runs[0];
  EXPECT_EQ(sync.runs.experiments.count("aviary/ml/fraud"), 1u);
  EXPECT_EQ(run.info.status, "FINISHED");
  EXPECT_EQ(sync.runs.count("run1", "gate/error-rate/value"), 3u);
  EXPECT_EQ(sync.runs.count("run1", "gate/error-rate/verdict"), 3u);
  EXPECT_EQ(sync.runs.count("run1", "gate/latency/baseline"), 2u);
  EXPECT_EQ(sync.runs.count("run1", "gate/latency/p_value"), 2u);
  EXPECT_EQ(run.info.params.at("model.version"), "8");
  EXPECT_EQ(run.info.params.at("model.baseline_version"), "7");
  EXPECT_EQ(run.info.params.at("steps.1"), "analysis error-rate,latency");
  EXPECT_EQ(run.info.tags.at("aviary.approved_by"), "alice@example.com");
  EXPECT_EQ(run.info.tags.at("aviary.approval_comment"), "latency flat, error rate fine");
  EXPECT_EQ(run.info.tags.at("aviary.outcome"), "Promoted");
  EXPECT_EQ(run.info.tags.at("aviary.rollout"), "1");
  EXPECT_TRUE(run.info.tags.count("aviary.step.2.seconds"));
  EXPECT_TRUE(run.artifacts.count("decision-record.json"));
  EXPECT_EQ(sync.registry.tags["8"]["aviary.run_id"], "run1");
  const auto& record = r.status.decisionRecords[0];
  EXPECT_TRUE(recordComplete(record, true));
  EXPECT_EQ(record.runUrl, "http://mlflow/#/experiments/1/runs/run1");

  const int batches = sync.runs.batches;
  sync(r);  // nothing left to send
  EXPECT_EQ(sync.runs.batches, batches);
}

TEST(RunOutbox, RequestsNameTheirRequesterOrSayUnverified) {
  Rollout r(blueGreenRelease());
  r.start();
  r.pass([](api::ModelReleaseStatus& s) { s.phase = api::Phase::Paused; });
  r.pass([](api::ModelReleaseStatus&) {}, {{}, {}, {{"abort", ""}}});  // an older client: no name
  r.pass([](api::ModelReleaseStatus&) {}, {{}, {}, {{"promote-full", "bob"}, {"promote", "alice"}}});
  r.promote();
  Sync sync;
  auto result = sync(r);
  ASSERT_TRUE(result.lastError.empty()) << result.lastError;
  const auto& tags = sync.runs.runs.at(0).info.tags;
  EXPECT_EQ(tags.at("aviary.request.0.by"), "unknown");
  EXPECT_EQ(tags.at("aviary.request.0.verified"), "false");
  EXPECT_EQ(tags.at("aviary.request.1.by"), "bob");
  EXPECT_EQ(tags.at("aviary.request.2.by"), "alice");
  EXPECT_EQ(tags.at("aviary.request.2.verified"), "true");
  EXPECT_TRUE(tags.at("aviary.request.2").starts_with("promote at ")) << tags.at("aviary.request.2");
  // The version names who asked for each kind of request.
  EXPECT_EQ(sync.registry.tags["8"]["aviary.promote_requested_by"], "alice");
  EXPECT_EQ(sync.registry.tags["8"]["aviary.promote_full_requested_by"], "bob");
  EXPECT_EQ(sync.registry.tags["8"]["aviary.abort_requested_by"], "unknown");
  const auto json = decisionRecordJson(r.status.decisionRecords.at(0), r.release);
  std::vector<nlohmann::json> requests;
  for (const auto& e : json["timeline"]) {
    if (e["kind"] == "request") requests.push_back(e);
  }
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_FALSE(requests[0].contains("by"));
  EXPECT_EQ(requests[0]["message"], kUnverifiedRequester);
  EXPECT_EQ(requests[2]["by"], "alice");
  EXPECT_FALSE(requests[2].contains("message"));
}

TEST(RunOutbox, ARolledBackCanaryEndsFailedNamingTheGate) {
  auto r = rolledBackCanary();
  Sync sync;
  sync(r);
  const auto& run = sync.runs.runs.at(0);
  EXPECT_EQ(run.info.status, "FAILED");
  EXPECT_EQ(run.info.tags.at("aviary.failing_gate"), "error-rate");
  EXPECT_EQ(run.info.tags.at("aviary.failing_gate_value"), "0.052000");
}

TEST(RunOutbox, AnOutageDelaysTheReadingsWithTheirOriginalTimestamps) {
  Rollout r(canaryRelease());
  Sync sync;
  r.start();
  sync(r);
  ASSERT_EQ(sync.runs.runs.size(), 1u);
  sync.runs.down = true;
  r.step(1, api::Phase::Progressing, std::nullopt, {{r.reading("error-rate", "8/step-1", api::Verdict::Pass, 0.004)}, {}, {}});
  const std::string firstTime = r.status.decisionRecords[0].points.back().time;
  auto failed = sync(r);
  EXPECT_FALSE(failed.lastError.empty());
  ASSERT_TRUE(failed.retryAt);
  EXPECT_EQ(r.status.decisionRecords[0].attempts, 1);
  sync(r);  // not due yet: no call at all
  EXPECT_EQ(r.status.decisionRecords[0].attempts, 1);
  r.pass([](api::ModelReleaseStatus&) {}, {{r.reading("error-rate", "8/step-1", api::Verdict::Pass, 0.005)}, {}, {}});
  sync(r);  // due again, still down
  EXPECT_EQ(r.status.decisionRecords[0].attempts, 2);

  sync.runs.down = false;
  r.clock.advance(std::chrono::minutes(5));
  const int batches = sync.runs.batches;
  auto recovered = sync(r);
  EXPECT_TRUE(recovered.lastError.empty()) << recovered.lastError;
  EXPECT_EQ(sync.runs.batches - batches, 2);  // the two readings in one metrics batch, then the step's tags
  auto history = sync.runs.metricHistory("run1", "gate/error-rate/value");
  ASSERT_EQ(history->size(), 2u);
  TimePoint t;
  parseRfc3339(firstTime, t);
  EXPECT_EQ((*history)[0].timestampMs, std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count());
  EXPECT_EQ((*history)[0].step, 1);
  EXPECT_EQ(r.status.decisionRecords[0].attempts, 0);
}

TEST(RunOutbox, ARestartFindsTheRunInsteadOfCreatingASecond) {
  Rollout r(canaryRelease());
  Sync sync;
  r.start();
  sync(r);
  // The status write after the run was created was lost: the next operator starts from the old record.
  r.status.decisionRecords[0].runId.clear();
  r.status.decisionRecords[0].sentPoints = 0;
  sync(r);
  EXPECT_EQ(sync.runs.runs.size(), 1u);
  EXPECT_EQ(r.status.decisionRecords[0].runId, "run1");
  EXPECT_EQ(sync.runs.count("run1", "canary_weight"), 1u);  // sent again, stored once
}

TEST(RunOutbox, AFailedBatchLeavesTheHighWaterMarkAtTheLastAcknowledgedOne) {
  Rollout r(canaryRelease());
  r.start();
  PassFacts many;
  for (int i = 0; i < 450; ++i) many.readings.push_back(r.reading("latency", "8/step-1", api::Verdict::Pass, 40 + i, 40));
  r.step(1, api::Phase::Progressing, std::nullopt, many);
  Sync sync;
  // experiment, find, create, version tag (registry, not counted), params, first metrics batch; then down.
  sync.runs.failAfter = 5;
  auto result = sync(r);
  EXPECT_FALSE(result.lastError.empty());
  const auto& record = r.status.decisionRecords[0];
  ASSERT_GT(record.sentPoints, 0);
  EXPECT_LT(record.sentPoints, static_cast<int32_t>(record.points.size()));
  EXPECT_EQ(sync.runs.count("run1", "gate/latency/value") + 1, static_cast<size_t>(record.sentPoints));  // + the weight
}

TEST(RunOutbox, BatchesStayWithinMlflowsLimitsAndNeverSplitAPoint) {
  std::vector<api::RecordPoint> points(600);
  for (auto& p : points) {
    p.gate = "latency";
    p.time = "2026-03-01T10:00:00Z";
    p.value = 1;
    p.baseline = 2;
    p.verdict = api::Verdict::Pass;  // three metrics a point
  }
  std::vector<MetricPoint> batch;
  const size_t end = metricBatch(points, 0, batch);
  EXPECT_EQ(end, 333u);
  EXPECT_EQ(batch.size(), 999u);
  batch.clear();
  EXPECT_EQ(metricBatch(points, end, batch), 600u);
  EXPECT_EQ(batch.size(), 801u);
}

TEST(RunOutbox, RequestCountsBecomeSeries) {
  api::RecordPoint p;
  p.gate = "errors-vs-baseline";
  p.time = "2026-03-01T10:00:00Z";
  p.step = 2;
  p.requests = 1000;
  p.baselineRequests = 4000;
  std::vector<MetricPoint> batch;
  metricBatch({p}, 0, batch);
  ASSERT_EQ(batch.size(), 2u);
  EXPECT_EQ(batch[0].key, "gate/errors-vs-baseline/requests");
  EXPECT_EQ(batch[1].key, "gate/errors-vs-baseline/baseline_requests");
  EXPECT_EQ(batch[1].value, 4000);
  EXPECT_EQ(batch[1].step, 2);
}

TEST(RunOutbox, RecordsSyncInOrder) {
  Rollout r(canaryRelease());
  r.start("8");
  r.start("9");  // 8 superseded
  Sync sync;
  sync(r);
  ASSERT_EQ(sync.runs.runs.size(), 2u);
  EXPECT_EQ(sync.runs.runs[0].info.status, "KILLED");
  EXPECT_EQ(sync.runs.runs[0].info.tags.at("aviary.version"), "8");
  EXPECT_EQ(sync.runs.runs[1].info.status, "RUNNING");
}

}  // namespace
}  // namespace aviary::registry
