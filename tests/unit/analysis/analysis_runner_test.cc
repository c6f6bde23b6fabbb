// The runner's orchestration (what is measured when, for which version, and how gates combine), with
// a scripted in-process provider standing in for Prometheus; the real Prometheus provider is exercised
// in tests/integration/analysis.
#include "aviary/analysis/analysis_runner.h"
#include "aviary/analysis/measurement_pool.h"

#include <gtest/gtest.h>

#include <deque>
#include <map>

namespace aviary::analysis {
namespace {

using namespace std::chrono_literals;

class ScriptedProvider : public MetricProvider {
 public:
  Result<MetricValue> fetch(const api::Gate&, const QueryContext& context) override {
    versions.push_back(context.version);
    elapsed.push_back(context.elapsed);
    secrets = context.secrets;
    if (answers.empty()) return makeError(ErrorCode::Internal, "script exhausted");
    auto next = answers.front();
    answers.pop_front();
    return next;
  }
  std::deque<Result<MetricValue>> answers;
  std::map<std::string, std::string> secrets;
  std::vector<std::string> versions;
  std::vector<std::string> elapsed;
};

class AnalysisRunnerTest : public ::testing::Test {
 protected:
  AnalysisRunnerTest() {
    auto owned = std::make_unique<ScriptedProvider>();
    provider = owned.get();
    registry.add(api::ProviderKind::Prometheus, std::move(owned));
    release.metadata.name = "fraud";
    release.metadata.namespace_ = "ml";
    release.spec.model.version = "7";
    release.status.stableVersion = "6";
    release.status.canaryVersion = "7";
    api::Gate errors;
    errors.name = "error-rate";
    errors.prometheus = api::PrometheusProvider{};
    errors.threshold = api::Threshold{std::nullopt, 0.01};
    errors.count = 2;
    release.spec.analysis.gates.push_back(errors);
    api::Gate latency;
    latency.name = "latency";
    latency.prometheus = api::PrometheusProvider{};
    latency.compare = api::CompareSpec{};
    latency.compare->minSamples = 3;
    release.spec.analysis.gates.push_back(latency);
  }

  StageResult run(std::vector<std::string> gates, SecretResolver secrets = {}) {
    AnalysisRunner runner(registry, clock, std::move(secrets), source);
    return runner.run(release, "7/analysis-1", {"7", "6"}, gates, false, statuses, clock.now());
  }

  ProviderRegistry registry;
  ScriptedProvider* provider;
  api::ModelRelease release;
  std::vector<api::GateStatus> statuses;
  ManualClock clock;
  MeasurementSource* source = nullptr;  // null: looks are fetched inside run()
};

TEST_F(AnalysisRunnerTest, AFailingMeasurementFailsTheStageAtOnce) {
  provider->answers.push_back(MetricValue{Scalar{0.3}});
  auto r = run({"error-rate"});
  EXPECT_EQ(r.verdict.state, GateState::Failed);
  EXPECT_FALSE(r.nextDue);
  ASSERT_EQ(r.taken.size(), 1u);
  EXPECT_DOUBLE_EQ(*r.taken[0].measurement.value, 0.3);
  ASSERT_EQ(statuses.size(), 1u);
  EXPECT_EQ(statuses[0].failures, 1);
  EXPECT_EQ(statuses[0].judge, "threshold max 0.01");
  EXPECT_NE(r.verdict.message.find("error-rate"), std::string::npos);
  EXPECT_EQ(provider->versions, std::vector<std::string>{"7"});
}

TEST_F(AnalysisRunnerTest, MeasuresOnlyWhenDueAndPassesAfterCount) {
  provider->answers.push_back(MetricValue{Scalar{0.001}});
  auto first = run({"error-rate"});
  EXPECT_EQ(first.verdict.state, GateState::Running);
  ASSERT_TRUE(first.nextDue);
  EXPECT_EQ(*first.nextDue, clock.now() + 30s);

  clock.advance(10s);
  auto early = run({"error-rate"});
  EXPECT_TRUE(early.taken.empty()) << "not due yet: no query";
  EXPECT_EQ(provider->versions.size(), 1u);

  clock.advance(20s);
  provider->answers.push_back(MetricValue{Scalar{0.002}});
  auto second = run({"error-rate"});
  EXPECT_EQ(second.verdict.state, GateState::Passed);
  EXPECT_EQ(statuses[0].successes, 2);
}

TEST_F(AnalysisRunnerTest, ProviderOutageIsAnErrorThatNeverPasses) {
  for (int i = 0; i < 5; ++i) provider->answers.push_back(makeError(ErrorCode::Unavailable, "connection refused"));
  StageResult r;
  for (int i = 0; i < 5; ++i) {
    r = run({"error-rate"});
    if (i < 4) {
      EXPECT_EQ(r.verdict.state, GateState::Running) << i;
      EXPECT_EQ(*r.nextDue, clock.now() + 10s);
    }
    clock.advance(10s);
  }
  EXPECT_EQ(r.verdict.state, GateState::Errored);
  EXPECT_EQ(statuses[0].measurements.back().detail, "connection refused");
}

TEST_F(AnalysisRunnerTest, CompareGatesMeasureCanaryAndBaseline) {
  provider->answers.push_back(MetricValue{Samples{{200, 210, 220, 205, 215}}});
  provider->answers.push_back(MetricValue{Samples{{100, 110, 120, 105, 115}}});
  auto r = run({"latency"});
  EXPECT_EQ(provider->versions, (std::vector<std::string>{"7", "6"}));
  EXPECT_EQ(r.verdict.state, GateState::Failed) << r.verdict.message;
  EXPECT_DOUBLE_EQ(*statuses[0].measurements[0].baseline, 110);
}

TEST_F(AnalysisRunnerTest, ResumesFromStatusAfterARestart) {
  provider->answers.push_back(MetricValue{Scalar{0.001}});
  run({"error-rate"});
  auto saved = statuses;  // what status.gates[] held when the operator died
  clock.advance(30s);
  statuses = saved;
  provider->answers.push_back(MetricValue{Scalar{0.001}});
  auto r = run({"error-rate"});
  EXPECT_EQ(r.verdict.state, GateState::Passed);
  EXPECT_EQ(provider->versions.size(), 2u) << "the first measurement was not repeated";
}

TEST_F(AnalysisRunnerTest, QueriesCarryTheResolvedCredentials) {
  provider->answers.push_back(MetricValue{Scalar{0.001}});
  std::string askedFor;
  run({"error-rate"}, [&](const api::ModelRelease& r, const api::Gate& gate) -> Result<std::map<std::string, std::string>> {
    askedFor = r.metadata.namespace_ + ":" + gate.name;
    return std::map<std::string, std::string>{{"token", "t0k"}};
  });
  EXPECT_EQ(askedFor, "ml:error-rate");
  EXPECT_EQ(provider->secrets, (std::map<std::string, std::string>{{"token", "t0k"}}));
}

TEST_F(AnalysisRunnerTest, UnreadableCredentialsAreAnErrorWithoutQuerying) {
  provider->answers.push_back(MetricValue{Scalar{0.001}});
  run({"error-rate"}, [](const api::ModelRelease&, const api::Gate&) -> Result<std::map<std::string, std::string>> {
    return makeError(ErrorCode::NotFound, "secret ml/prom not found");
  });
  EXPECT_TRUE(provider->versions.empty());
  ASSERT_EQ(statuses.size(), 1u);
  EXPECT_EQ(statuses[0].measurements.back().detail, "secret ml/prom not found");
  EXPECT_EQ(statuses[0].measurements.back().verdict, api::Verdict::Error);
}

TEST_F(AnalysisRunnerTest, ACredentialAProviderErrorQuotesNeverReachesStatus) {
  // An endpoint that echoes the header it rejected, and a Prometheus URL carrying basic auth.
  provider->answers.push_back(makeError(ErrorCode::Unavailable, "HTTP 401: token s3cr3t-t0k rejected"));
  provider->answers.push_back(makeError(ErrorCode::Timeout, "http://reader:p%40ss@prom:9090/api/v1/query: no answer"));
  auto credentials = [](const api::ModelRelease&, const api::Gate&) -> Result<std::map<std::string, std::string>> {
    return std::map<std::string, std::string>{{"token", "s3cr3t-t0k"}, {"username", "reader"}, {"password", "p@ss"}};
  };
  run({"error-rate"}, credentials);
  clock.advance(10s);
  run({"error-rate"}, credentials);
  ASSERT_EQ(statuses[0].measurements.size(), 2u);
  EXPECT_EQ(statuses[0].measurements[0].detail, "HTTP 401: token [redacted] rejected");
  EXPECT_EQ(statuses[0].measurements[1].detail, "http://[redacted]:[redacted]@prom:9090/api/v1/query: no answer");
  EXPECT_EQ(statuses[0].measurements[1].verdict, api::Verdict::Error);
}

TEST_F(AnalysisRunnerTest, SequentialGatesKeepTheirEvidenceInStatusAndCountFromTheStageStart) {
  api::Gate errors;
  errors.name = "errors-vs-baseline";
  errors.prometheus = api::PrometheusProvider{};
  errors.compare = api::CompareSpec{};
  errors.compare->test = api::CompareTest::Proportion;
  errors.compare->sequential = true;
  errors.compare->allowedIncrease = 2;
  errors.count = 20;
  release.spec.analysis.gates.push_back(errors);
  // Cumulative counts since the stage began: canary then baseline at each look, equal rates.
  for (double k = 1; k <= 20; ++k) {
    provider->answers.push_back(MetricValue{Counts{10 * k, 1000 * k}});
    provider->answers.push_back(MetricValue{Counts{10 * k, 1000 * k}});
  }
  EXPECT_TRUE(run({"errors-vs-baseline"}).taken.empty());  // the first look waits one interval
  GateState state = GateState::Running;
  int looks = 0;
  while (state == GateState::Running && looks < 20) {
    clock.advance(30s);
    auto r = run({"errors-vs-baseline"});
    state = r.verdict.state;
    ++looks;
    ASSERT_TRUE(statuses[0].sequential.has_value());
    EXPECT_EQ(statuses[0].sequential->looks, looks);
  }
  // Identical rates and a tolerated doubling: the confidence sequence excludes 2 before the 20th look.
  EXPECT_EQ(state, GateState::Passed);
  EXPECT_LT(looks, 20);
  EXPECT_EQ(statuses[0].sequential->decision, "pass");
  EXPECT_EQ(provider->elapsed.front(), "30s");
  EXPECT_EQ(provider->elapsed.back(), std::to_string(30 * looks) + "s");
  EXPECT_NE(statuses[0].judge.find("sequential"), std::string::npos) << statuses[0].judge;
}

TEST_F(AnalysisRunnerTest, FixedCompareGatesSpreadTheirConfidenceOverTheirLooks) {
  release.spec.analysis.gates[1].count = 5;
  release.spec.analysis.gates[1].compare->confidence = 0.95;
  provider->answers.push_back(MetricValue{Samples{{1, 2, 3, 4}}});
  provider->answers.push_back(MetricValue{Samples{{1, 2, 3, 4}}});
  run({"latency"});
  EXPECT_EQ(statuses[0].judge, "mann-whitney increase confidence 0.95 (per look 0.99 over 5 looks)");
}

}  // namespace
}  // namespace aviary::analysis

namespace aviary::analysis {
namespace {

// With a background source (the operator's pool), run() never fetches: a due look is handed to the
// pool, the gate stays Running, and the values are judged by the run after they arrived.
class BackgroundLooksTest : public AnalysisRunnerTest {
 protected:
  std::vector<std::string> woken;
  std::vector<bool> wokenFailing;  // what the pool said of each look's values
  MeasurementPool pool{clock, {0, 100, [this](const std::string& key, bool failing) {
                                 woken.push_back(key);
                                 wokenFailing.push_back(failing);
                               }, {}}};
  void SetUp() override { source = &pool; }
};

TEST_F(BackgroundLooksTest, ADueLookIsFetchedOffTheRunAndJudgedByTheNextOne) {
  provider->answers = {MetricValue{Scalar{0.5}}};
  const TimePoint dueAt = clock.now();
  auto first = run({"error-rate"});
  EXPECT_TRUE(first.taken.empty());
  EXPECT_EQ(first.verdict.state, GateState::Running);
  ASSERT_TRUE(first.nextDue);
  EXPECT_EQ(*first.nextDue, clock.now() + AnalysisRunner::kPendingRecheck);
  EXPECT_TRUE(provider->versions.empty()) << "run() fetched";
  EXPECT_EQ(pool.pending(), 1u);
  EXPECT_EQ(run({"error-rate"}).taken.size(), 0u) << "asked again while queued: still one look";

  clock.advance(std::chrono::seconds(2));
  EXPECT_EQ(pool.runQueued(), 1u);
  EXPECT_EQ(woken, (std::vector<std::string>{"ml/fraud"}));
  EXPECT_EQ(wokenFailing, std::vector<bool>{true}) << "0.5 breaks the gate's maximum: woken as failing";
  auto second = run({"error-rate"});
  ASSERT_EQ(second.taken.size(), 1u);
  EXPECT_EQ(second.verdict.state, GateState::Failed);
  EXPECT_EQ(second.taken[0].readyAt, clock.now());
  EXPECT_EQ(statuses[0].measurements.back().time, formatRfc3339(dueAt)) << "the look counts from when it began";
}

TEST_F(BackgroundLooksTest, APassingLookWakesItsReleaseInTurn) {
  provider->answers = {MetricValue{Scalar{0.001}}};
  run({"error-rate"});
  EXPECT_EQ(pool.runQueued(), 1u);
  EXPECT_EQ(woken, (std::vector<std::string>{"ml/fraud"}));
  EXPECT_EQ(wokenFailing, std::vector<bool>{false});
  EXPECT_EQ(run({"error-rate"}).taken.at(0).measurement.verdict, api::Verdict::Pass);
}

TEST_F(BackgroundLooksTest, ALookFetchedForAnotherRolloutIsNeverJudged) {
  provider->answers = {MetricValue{Scalar{0.5}}, MetricValue{Scalar{0.001}}};
  run({"error-rate"});
  pool.runQueued();
  release.status.canaryVersion = "8";  // a new rollout began meanwhile
  auto next = AnalysisRunner(registry, clock, {}, &pool).run(release, "8/analysis-1", {"8", "6"}, {"error-rate"}, false,
                                                            statuses, clock.now());
  EXPECT_TRUE(next.taken.empty());
  EXPECT_EQ(pool.runQueued(), 1u);
  EXPECT_EQ(provider->versions.back(), "8");
}

TEST_F(BackgroundLooksTest, ACancelledStageDropsItsLooks) {
  provider->answers = {MetricValue{Scalar{0.5}}};
  run({"error-rate"});
  AnalysisRunner(registry, clock, {}, &pool).cancel("ml/fraud", "7/analysis-1");
  EXPECT_EQ(pool.runQueued(), 0u);
  EXPECT_TRUE(woken.empty());
}

}  // namespace
}  // namespace aviary::analysis
