#include "api_test_support.h"

namespace aviary::api::testing {
namespace {

ModelReleaseStatus sampleStatus() {
  ModelReleaseStatus status;
  status.observedGeneration = 3;
  status.phase = Phase::Paused;
  status.message = "paused at step 1 for 2m";
  status.stableVersion = "6";
  status.canaryVersion = "7";
  status.previousStableVersion = "5";
  status.currentStepIndex = 1;
  status.canaryWeight = 10;
  status.stepStartedAt = "2024-05-01T10:00:00Z";
  status.rolloutStartedAt = "2024-05-01T09:58:00Z";
  status.lastHandledRequest = "req-1";
  status.conditions.push_back({"Progressing", "True", "StepPaused", "pausing for 2m", 3, "2024-05-01T10:00:00Z"});
  status.conditions.push_back({"Ready", "True", "StableAvailable", "", 3, "2024-05-01T09:00:00Z"});
  GateStatus gate;
  gate.name = "error-rate";
  gate.judge = "threshold max 0.01";
  gate.verdict = Verdict::Pass;
  gate.successes = 2;
  gate.startedAt = "2024-05-01T09:59:00Z";
  gate.nextMeasurementAt = "2024-05-01T10:00:30Z";
  gate.measurements.push_back({"2024-05-01T09:59:30Z", Verdict::Pass, 0.002, std::nullopt, ""});
  gate.measurements.push_back({"2024-05-01T10:00:00Z", Verdict::NoData, std::nullopt, std::nullopt, "no series"});
  status.gates.push_back(gate);
  status.approvals.push_back({"fraud-scorer-x7k2", "alice", "approve", "lgtm", 4, "2024-05-01T10:05:00Z", true, ""});
  RegistryRecord record;
  record.key = "uid-1/3/started";
  record.event = "started";
  record.version = "7";
  record.tags = {{"aviary.phase", "Progressing"}};
  record.alias = "challenger";
  record.attempts = 1;
  record.lastError = "Unavailable: connection refused";
  record.nextAttemptAt = "2024-05-01T10:00:05Z";
  status.registrySync.push_back(record);
  status.history.push_back({"6", "Promoted", "2024-04-30T12:00:00Z", ""});
  return status;
}

TEST(EncodeStatus, MatchesGoldenJson) {
  const Json golden = Json::parse(readFile(sourceDir() + "/tests/unit/api/testdata/status_golden.json"));
  EXPECT_EQ(encodeStatus(sampleStatus()), golden) << encodeStatus(sampleStatus()).dump(2);
}

TEST(EncodeStatus, LeavesOutEmptyFieldsButKeepsCountersAndPhase) {
  const Json encoded = encodeStatus(ModelReleaseStatus{});
  EXPECT_EQ(encoded, Json::parse(R"({"observedGeneration":0,"phase":"Pending","currentStepIndex":0,"canaryWeight":0})"));
}

TEST(StatusCodec, RoundTrips) {
  const ModelReleaseStatus status = sampleStatus();
  const ModelReleaseStatus decoded = decodeStatus(encodeStatus(status));
  EXPECT_EQ(encodeStatus(decoded), encodeStatus(status));
  EXPECT_EQ(decoded.phase, Phase::Paused);
  EXPECT_EQ(decoded.gates[0].measurements[0].value, 0.002);
  EXPECT_FALSE(decoded.gates[0].measurements[1].value);
  EXPECT_EQ(decoded.gates[0].measurements[1].verdict, Verdict::NoData);
  EXPECT_EQ(decoded.approvals[0].step, 4);
  EXPECT_TRUE(decoded.approvals[0].accepted);
  EXPECT_EQ(decoded.registrySync[0].tags.at("aviary.phase"), "Progressing");
  EXPECT_EQ(decoded.conditions[1].message, "");
}

TEST(DecodeStatus, IsLenient) {
  const ModelReleaseStatus status = decodeStatus(Json::parse(
      R"({"phase":"SomethingNew","canaryWeight":"ten","stableVersion":"6","future":[1,2],"gates":[{"name":"g","verdict":"Fail","x":1}]})"));
  EXPECT_EQ(status.phase, Phase::Pending);  // unknown phase: default
  EXPECT_EQ(status.canaryWeight, 0);
  EXPECT_EQ(status.stableVersion, "6");
  ASSERT_EQ(status.gates.size(), 1u);
  EXPECT_EQ(status.gates[0].verdict, Verdict::Fail);
  EXPECT_EQ(decodeStatus(Json()).phase, Phase::Pending);
  EXPECT_EQ(decodeStatus(Json::array()).observedGeneration, 0);
}

TEST(EncodeSpec, RoundTripsThroughTheDecoder) {
  FieldErrors errors;
  const ModelRelease release = decodeModelRelease(fullRelease(), errors);
  ASSERT_TRUE(errors.empty());
  const Json spec = encodeSpec(release.spec);
  EXPECT_EQ(spec["strategy"]["canary"]["steps"][1], Json::parse(R"({"pause":{"duration":"2m"}})"));
  EXPECT_EQ(spec["analysis"]["gates"][1]["compare"]["test"], "mann-whitney");
  EXPECT_EQ(spec["template"], fullRelease()["spec"]["template"]);

  Json object = fullRelease();
  object["spec"] = spec;
  const ModelRelease again = decodeModelRelease(object, errors);
  ASSERT_TRUE(errors.empty()) << describeAll(errors);
  EXPECT_EQ(encodeSpec(again.spec), spec);
}

TEST(EncodeSpec, KeepsAnEmptyPauseBecauseItIsAnAction) {
  ModelReleaseSpec spec;
  spec.strategy.canary = CanaryStrategy{};
  spec.strategy.canary->steps.push_back(CanaryStep{.pause = PauseStep{}});
  const Json encoded = encodeSpec(spec);
  EXPECT_EQ(encoded["strategy"]["canary"]["steps"][0], Json::parse(R"({"pause":{}})"));
  EXPECT_FALSE(encoded.contains("notifications"));  // optional and empty: left out
  EXPECT_EQ(encoded["model"], Json::parse(R"({"name":"","version":""})"));  // required: always written
}

TEST(Enums, NamesRoundTrip) {
  for (Phase p : {Phase::Pending, Phase::Progressing, Phase::Paused, Phase::AwaitingApproval, Phase::Promoted,
                  Phase::RollingBack, Phase::RolledBack, Phase::Invalid}) {
    EXPECT_EQ(parsePhase(phaseName(p)), p);
  }
  for (Verdict v : {Verdict::Pass, Verdict::Fail, Verdict::Inconclusive, Verdict::Error, Verdict::NoData}) {
    EXPECT_EQ(parseVerdict(verdictName(v)), v);
  }
  EXPECT_STREQ(phaseName(Phase::AwaitingApproval), "AwaitingApproval");
  EXPECT_STREQ(verdictName(Verdict::NoData), "NoData");
  EXPECT_FALSE(parsePhase("paused"));
  EXPECT_FALSE(parseVerdict(""));
}

TEST(Enums, RouterKindFollowsTheConfiguredRouter) {
  TrafficRouting routing;
  EXPECT_EQ(routerKind(routing), RouterKind::ReplicaRatio);
  routing.istio = IstioRouting{"vs", {}};
  EXPECT_EQ(routerKind(routing), RouterKind::Istio);
  routing.istio.reset();
  routing.gatewayAPI = GatewayApiRouting{"route"};
  EXPECT_EQ(routerKind(routing), RouterKind::GatewayApi);
}

}  // namespace
}  // namespace aviary::api::testing
