// The record builder: golden decision-record.json for a canary with two analyses and an approval, a
// blue-green, a rollback and a retry, plus the rules that keep a record whole (one record per rollout,
// re-planning never reopens one, bounded points). AVIARY_UPDATE_GOLDEN=1 rewrites the golden files
// (review the diff before committing them).
#include "aviary/registry/decision_record.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "record_fixtures.h"

namespace aviary::registry {
namespace {

using namespace testing;

std::string golden(const std::string& name, const nlohmann::json& actual) {
  const std::string path = std::string(AVIARY_REGISTRY_TESTDATA) + "/" + name;
  const std::string rendered = actual.dump(2) + "\n";
  if (std::getenv("AVIARY_UPDATE_GOLDEN")) std::ofstream(path) << rendered;
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(DecisionRecord, CanaryWithTwoAnalysesAndAnApprovalMatchesTheGolden) {
  auto r = promotedCanary();
  ASSERT_EQ(r.status.decisionRecords.size(), 1u);
  const auto& record = r.status.decisionRecords[0];
  EXPECT_EQ(record.outcome, "Promoted");
  EXPECT_EQ(runStatus(record.outcome), "FINISHED");
  const auto json = decisionRecordJson(record, r.release);
  EXPECT_EQ(json.dump(2) + "\n", golden("canary_promoted.json", json));
  EXPECT_EQ(json["measurements"]["error-rate"].size(), 3u);
  EXPECT_EQ(json["measurements"]["latency"].size(), 2u);
  EXPECT_DOUBLE_EQ(json["measurements"]["latency"][0]["pValue"].get<double>(), 0.31);
}

TEST(DecisionRecord, BlueGreenMatchesTheGolden) {
  Rollout r(blueGreenRelease());
  r.start();
  r.pass([](api::ModelReleaseStatus&) {}, {{r.reading("error-rate", "8/pre-promotion", api::Verdict::Pass, 0.003)}, {}, {}});
  r.pass([](api::ModelReleaseStatus& s) { s.phase = api::Phase::Paused; s.message = "preview ready; promote to switch"; });
  r.pass([](api::ModelReleaseStatus&) {}, {{}, {}, {{"promote", "alice"}}});
  r.promote();
  const auto& record = r.status.decisionRecords.at(0);
  EXPECT_EQ(record.strategy, "blueGreen");
  const auto json = decisionRecordJson(record, r.release);
  EXPECT_EQ(json.dump(2) + "\n", golden("blue_green_promoted.json", json));
}

// Blue-green with a post-promotion analysis: the switch (version 8 stable, no canary) is not the end.
Rollout switchedBlueGreen() {
  auto release = blueGreenRelease();
  release.spec.strategy.blueGreen->postPromotionAnalysis = api::AnalysisStep{{"error-rate"}};
  Rollout r(release);
  r.start();
  r.pass([](api::ModelReleaseStatus&) {}, {{r.reading("error-rate", "8/pre-promotion", api::Verdict::Pass, 0.003)}, {}, {}});
  r.pass([](api::ModelReleaseStatus& s) {
    s.previousStableVersion = s.stableVersion;
    s.stableVersion = s.canaryVersion;
    s.canaryVersion = "";
    s.currentStepIndex = 4;  // the post-promotion analysis
    s.phase = api::Phase::Progressing;
  });
  r.pass([](api::ModelReleaseStatus&) {}, {{r.reading("error-rate", "8/post-promotion", api::Verdict::Pass, 0.004)}, {}, {}});
  return r;
}

TEST(DecisionRecord, ABlueGreenSwitchedBackByItsPostPromotionAnalysisEndsRolledBack) {
  auto r = switchedBlueGreen();
  ASSERT_EQ(r.status.decisionRecords.size(), 1u);
  EXPECT_EQ(r.status.decisionRecords[0].outcome, "") << "switched, not yet judged: the rollout still runs";
  const std::string message = "gate error-rate failed after the switch: 0.052 > max 0.01";
  r.pass([&](api::ModelReleaseStatus& s) {
    s.history.push_back({"8", "RolledBack", r.now(), message});
    s.stableVersion = "7";
    s.previousStableVersion.clear();
    s.rolledBackVersion = "8";
    s.phase = api::Phase::RolledBack;
    s.message = message;
  }, {{r.reading("error-rate", "8/post-promotion", api::Verdict::Fail, 0.052, std::nullopt, "0.052 > max 0.01")}, {}, {}});
  ASSERT_EQ(r.status.decisionRecords.size(), 1u);
  const auto& record = r.status.decisionRecords[0];
  EXPECT_EQ(record.outcome, "RolledBack");
  EXPECT_EQ(record.reason, message);
  EXPECT_EQ(runStatus(record.outcome), "FAILED");
  const auto json = decisionRecordJson(record, r.release);
  EXPECT_EQ(json["measurements"]["error-rate"].size(), 3u) << "the post-promotion readings are in the record";
  EXPECT_EQ(json["decision"]["failingGate"]["value"], 0.052);
  EXPECT_TRUE(json["complete"]);
}

TEST(DecisionRecord, ABlueGreenIsPromotedOnlyWhenItsPostPromotionAnalysisPassed) {
  auto r = switchedBlueGreen();
  r.pass([&](api::ModelReleaseStatus& s) {
    s.history.push_back({"8", "Promoted", r.now(), "version 8 replaces version 7"});
    s.phase = api::Phase::Promoted;
  }, {{r.reading("error-rate", "8/post-promotion", api::Verdict::Pass, 0.005)}, {}, {}});
  const auto& record = r.status.decisionRecords.at(0);
  EXPECT_EQ(record.outcome, "Promoted");
  EXPECT_EQ(decisionRecordJson(record, r.release)["measurements"]["error-rate"].size(), 3u);
}

TEST(DecisionRecord, RollbackNamesTheFailingGateAndItsNumbers) {
  auto r = rolledBackCanary();
  const auto& record = r.status.decisionRecords.at(0);
  EXPECT_EQ(record.outcome, "RolledBack");
  EXPECT_EQ(runStatus(record.outcome), "FAILED");
  const auto json = decisionRecordJson(record, r.release);
  EXPECT_EQ(json["decision"]["failingGate"]["gate"], "error-rate");
  EXPECT_DOUBLE_EQ(json["decision"]["failingGate"]["value"].get<double>(), 0.052);
  EXPECT_EQ(json.dump(2) + "\n", golden("canary_rolled_back.json", json));
}

TEST(DecisionRecord, RetryOpensASecondRecordForTheSameVersion) {
  auto r = rolledBackCanary();
  r.start("8");  // retry: same version, a new rolloutStartedAt
  r.step(1, api::Phase::Progressing, std::nullopt, {{r.reading("error-rate", "8/step-1", api::Verdict::Pass, 0.003)}, {}, {{"retry", ""}}});
  r.promote();
  ASSERT_EQ(r.status.decisionRecords.size(), 2u);
  EXPECT_EQ(r.status.decisionRecords[0].outcome, "RolledBack");
  const auto& retry = r.status.decisionRecords[1];
  EXPECT_EQ(retry.rollout, 2);
  EXPECT_EQ(retry.outcome, "Promoted");
  const auto json = decisionRecordJson(retry, r.release);
  EXPECT_EQ(json["measurements"]["error-rate"].size(), 1u);  // the first attempt's readings stay in its own record
  EXPECT_EQ(json.dump(2) + "\n", golden("canary_retry.json", json));
}

TEST(DecisionRecord, ANewVersionSupersedesTheRunningRollout) {
  Rollout r(canaryRelease());
  r.start("8");
  r.start("9");
  ASSERT_EQ(r.status.decisionRecords.size(), 2u);
  EXPECT_EQ(r.status.decisionRecords[0].outcome, "Superseded");
  EXPECT_EQ(runStatus("Superseded"), "KILLED");
  EXPECT_EQ(r.status.decisionRecords[1].version, "9");
  EXPECT_TRUE(r.status.decisionRecords[1].outcome.empty());
}

TEST(DecisionRecord, ReplanningAFinishedPassNeverReopensTheRecord) {
  auto r = rolledBackCanary();
  // The rollback pass again (e.g. its status write lost): the canary is still named, the history says RolledBack.
  api::ModelRelease before = r.release;
  auto next = r.status;
  next.canaryVersion = "8";
  recordPass(before, next, {}, r.clock.now());
  EXPECT_EQ(next.decisionRecords.size(), 1u);
}

TEST(DecisionRecord, ASequentialGateCarriesItsRequestCounts) {
  Rollout r(canaryRelease());
  r.start();
  auto reading = r.reading("errors-vs-baseline", "8/step-1", api::Verdict::Inconclusive, 0.012, 0.010, "p=0.4 e=2.5 ratio cs=[0.8,1.6]");
  reading.sequential = api::SequentialState{};
  reading.sequential->canary = {12, 1000};
  reading.sequential->baseline = {40, 4000};
  r.step(1, api::Phase::Progressing, std::nullopt, {{reading}, {}, {}});
  const auto& point = r.status.decisionRecords.at(0).points.at(1);
  EXPECT_EQ(point.requests, 1000);
  EXPECT_EQ(point.baselineRequests, 4000);
  EXPECT_EQ(point.eValue, 2.5);
  const auto json = decisionRecordJson(r.status.decisionRecords.at(0), r.release);
  EXPECT_EQ(json["measurements"]["errors-vs-baseline"][0]["requests"], 1000);
}

TEST(DecisionRecord, ReadingsWithoutDataAreNotRecorded) {
  Rollout r(canaryRelease());
  r.start();
  r.step(1, api::Phase::Progressing, std::nullopt, {{r.reading("error-rate", "8/step-1", api::Verdict::NoData, std::nullopt)}, {}, {}});
  const auto json = decisionRecordJson(r.status.decisionRecords.at(0), r.release);
  EXPECT_FALSE(json["measurements"].contains("error-rate"));
}

TEST(DecisionRecord, PointsAreBoundedSentOnesGoFirst) {
  Rollout r(canaryRelease());
  r.start();
  PassFacts first;  // with the weight point from the start: ten points, which MLflow then has
  for (int i = 0; i < 9; ++i) first.readings.push_back(r.reading("error-rate", "8/step-1", api::Verdict::Pass, 0.001 * i));
  r.pass([](api::ModelReleaseStatus&) {}, first);
  r.status.decisionRecords.at(0).sentPoints = 10;
  PassFacts many;
  for (size_t i = 0; i < kMaxRecordPoints + 1; ++i) many.readings.push_back(r.reading("error-rate", "8/step-1", api::Verdict::Pass, 0.001 * i));
  r.pass([](api::ModelReleaseStatus&) {}, many);
  const auto& bounded = r.status.decisionRecords.at(0);
  EXPECT_EQ(bounded.points.size(), kMaxRecordPoints);
  EXPECT_EQ(bounded.prunedPoints, 10);
  EXPECT_EQ(bounded.sentPoints, 0);
  EXPECT_EQ(bounded.droppedPoints, 1);  // the 501st reading pushed out one MLflow did not have
  EXPECT_FALSE(recordComplete(bounded, false));
}

TEST(DecisionRecord, CompleteOnlyOnceEndedAndWhereverItIsKept) {
  auto r = promotedCanary();
  auto record = r.status.decisionRecords.at(0);
  EXPECT_TRUE(recordComplete(record, false));
  EXPECT_FALSE(recordComplete(record, true));  // MLflow has none of it yet
  record.outcome.clear();
  EXPECT_FALSE(recordComplete(record, false));
}

TEST(DecisionRecord, DescribesSteps) {
  const auto spec = canaryRelease().spec;
  EXPECT_EQ(describeStep(spec, 0), "setWeight 20");
  EXPECT_EQ(describeStep(spec, 1), "analysis error-rate,latency");
  EXPECT_EQ(describeStep(spec, 2), "approval");
  EXPECT_EQ(describeStep(spec, 5), "complete");
}

}  // namespace
}  // namespace aviary::registry
