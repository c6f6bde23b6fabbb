#include "api_test_support.h"

namespace aviary::api::testing {
namespace {

TEST(DecodeModelRelease, ReadsEveryField) {
  FieldErrors errors;
  const ModelRelease release = decodeModelRelease(fullRelease(), errors);
  ASSERT_TRUE(errors.empty()) << describeAll(errors);
  EXPECT_EQ(release.metadata.name, "fraud-scorer");
  EXPECT_EQ(release.metadata.namespace_, "ml");
  EXPECT_EQ(release.metadata.labels.at("team"), "risk");
  const ModelReleaseSpec& spec = release.spec;
  EXPECT_EQ(spec.model.version, "7");
  ASSERT_TRUE(spec.registry.mlflow);
  EXPECT_EQ(spec.registry.mlflow->credentialsSecret, "mlflow-auth");
  EXPECT_TRUE(spec.registry.required);
  EXPECT_EQ(spec.replicas, 4);
  EXPECT_EQ(spec.template_["spec"]["containers"][0]["name"], "server");
  EXPECT_EQ(spec.service.targetPort, 9090);
  ASSERT_TRUE(spec.strategy.canary);
  const CanaryStrategy& canary = *spec.strategy.canary;
  EXPECT_EQ(routerKind(canary.trafficRouting), RouterKind::GatewayApi);
  EXPECT_EQ(canary.trafficRouting.gatewayAPI->httpRoute, "fraud-scorer");
  ASSERT_EQ(canary.steps.size(), 6u);
  EXPECT_EQ(canary.steps[0].setWeight, 10);
  EXPECT_EQ(canary.steps[1].pause->duration, "2m");
  EXPECT_EQ(canary.steps[2].analysis->gates, (std::vector<std::string>{"error-rate", "latency"}));
  EXPECT_EQ(canary.steps[4].approval->users, std::vector<std::string>{"alice"});
  EXPECT_EQ(canary.backgroundAnalysis->gates, std::vector<std::string>{"errors-by-hook"});
  EXPECT_EQ(canary.scaleDownDelay, "1m");
  EXPECT_EQ(spec.analysis.passScore, 90.0);
  ASSERT_EQ(spec.analysis.gates.size(), 4u);
  const Gate& latency = spec.analysis.gates[1];
  EXPECT_EQ(latency.prometheus->range, "5m");
  EXPECT_EQ(latency.prometheus->bearerTokenSecret->key, "token");
  EXPECT_EQ(latency.compare->test, CompareTest::MannWhitney);
  EXPECT_EQ(latency.compare->confidence, 0.98);
  EXPECT_EQ(latency.compare->allowedIncrease, 1.1);
  EXPECT_EQ(latency.compare->minSamples, 10);
  EXPECT_EQ(latency.count, 5);
  EXPECT_EQ(latency.consecutiveErrorLimit, 3);
  EXPECT_TRUE(latency.critical);
  EXPECT_EQ(spec.analysis.gates[2].webhook->method, "POST");
  EXPECT_EQ(spec.analysis.gates[2].webhook->jsonPath, "$.value");
  EXPECT_EQ(spec.analysis.gates[2].webhook->bearerTokenSecret->name, "hook-token");
  EXPECT_EQ(spec.analysis.gates[2].webhook->bearerTokenSecret->key, "token");
  EXPECT_EQ(spec.analysis.gates[3].command->command[1], "{{version}}");
  EXPECT_FALSE(spec.rollback.automatic);
  EXPECT_EQ(spec.progressDeadlineSeconds, 300);
  ASSERT_EQ(spec.notifications.size(), 2u);
  EXPECT_EQ(spec.notifications[0].name, "team-slack");
  EXPECT_EQ(spec.notifications[0].format, NotificationFormat::Slack);
  EXPECT_FALSE(spec.notifications[0].url.has_value());
  EXPECT_EQ(spec.notifications[0].urlSecretRef->name, "slack-webhook");
  EXPECT_EQ(spec.notifications[0].urlSecretRef->key, "url");
  EXPECT_EQ(spec.notifications[1].format, NotificationFormat::Generic) << "generic is the default";
  EXPECT_EQ(spec.notifications[1].url, "https://audit.example/hooks/releases");
}

TEST(DecodeModelRelease, DefaultsComeFromTheTypes) {
  FieldErrors errors;
  const ModelRelease release = decodeModelRelease(parseOne(R"(
apiVersion: aviary.dev/v1alpha1
kind: ModelRelease
metadata: {name: m}
spec:
  model: {name: m, version: "1"}
  template: {spec: {containers: [{name: c}]}}
  strategy: {canary: {steps: [{pause: {}}]}}
  analysis:
    gates:
      - {name: g, webhook: {url: "http://x"}, compare: {}}
)"),
                                                  errors);
  ASSERT_TRUE(errors.empty()) << describeAll(errors);
  const ModelReleaseSpec& spec = release.spec;
  EXPECT_EQ(spec.replicas, 1);
  EXPECT_EQ(spec.service.port, 8080);
  EXPECT_FALSE(spec.service.targetPort);
  EXPECT_EQ(routerKind(spec.strategy.canary->trafficRouting), RouterKind::ReplicaRatio);
  ASSERT_TRUE(spec.strategy.canary->steps[0].pause);  // `pause: {}` is a pause, until promoted
  EXPECT_FALSE(spec.strategy.canary->steps[0].pause->duration);
  EXPECT_EQ(spec.strategy.canary->scaleDownDelay, "30s");
  EXPECT_EQ(spec.analysis.interval, "30s");
  const Gate& gate = spec.analysis.gates[0];
  EXPECT_EQ(gate.webhook->method, "GET");
  EXPECT_EQ(gate.webhook->jsonPath, "$");
  EXPECT_EQ(gate.webhook->timeout, "5s");
  EXPECT_FALSE(gate.webhook->bearerTokenSecret) << "no credentials unless a Secret is named";
  EXPECT_EQ(gate.compare->test, CompareTest::MannWhitney);
  EXPECT_EQ(gate.compare->direction, Direction::Increase);
  EXPECT_EQ(gate.compare->confidence, 0.95);
  EXPECT_FALSE(gate.compare->minSamples) << "the default depends on the test";
  EXPECT_EQ(minSamplesFor(*gate.compare), 20);
  EXPECT_FALSE(gate.compare->sequential);
  EXPECT_EQ(gate.compare->quantile, 0.5);
  EXPECT_EQ(gate.consecutiveErrorLimit, 4);
  EXPECT_TRUE(spec.rollback.automatic);
  EXPECT_EQ(spec.progressDeadlineSeconds, 600);
}

TEST(DecodeModelRelease, AcceptsAnUnquotedIntegerVersion) {
  FieldErrors errors;
  const auto release = decodeModelRelease(edited(fullRelease(), {set("/spec/model/version", 7)}), errors);
  EXPECT_TRUE(errors.empty()) << describeAll(errors);
  EXPECT_EQ(release.spec.model.version, "7");
}

TEST(DecodeModelRelease, NullMeansAbsent) {
  FieldErrors errors;
  const auto release = decodeModelRelease(edited(fullRelease(), {set("/spec/replicas", nullptr)}), errors);
  EXPECT_TRUE(errors.empty()) << describeAll(errors);
  EXPECT_EQ(release.spec.replicas, 1);
}

TEST(DecodeModelRelease, KeepsStatusAndTolerantMetadata) {
  FieldErrors errors;
  Json object = edited(fullRelease(), {set("/metadata/creationTimestamp", "2024-01-01T00:00:00Z"),
                                       set("/metadata/generation", 3), set("/status/phase", "Paused"),
                                       set("/status/somethingNewer", 1)});
  const auto release = decodeModelRelease(object, errors);
  EXPECT_TRUE(errors.empty()) << describeAll(errors);
  EXPECT_EQ(release.metadata.generation, 3);
  EXPECT_EQ(release.status.phase, Phase::Paused);
}

struct DecodeCase {
  const char* name;
  std::vector<Edit> edits;
  const char* path;
  const char* message;
};

void PrintTo(const DecodeCase& c, std::ostream* os) { *os << c.name; }

class DecodeErrors : public ::testing::TestWithParam<DecodeCase> {};

TEST_P(DecodeErrors, ReportsTheFieldPath) {
  const DecodeCase& c = GetParam();
  FieldErrors errors;
  decodeModelRelease(edited(fullRelease(), c.edits), errors);
  ASSERT_EQ(errors.size(), 1u) << describeAll(errors);
  EXPECT_EQ(errors[0].path, c.path);
  EXPECT_EQ(errors[0].message, c.message);
}

INSTANTIATE_TEST_SUITE_P(
    Table, DecodeErrors,
    ::testing::Values(
        DecodeCase{"UnknownField", {set("/spec/strategy/canary/stepz", Json::array())}, "spec.strategy.canary.stepz", "unknown field"},
        DecodeCase{"UnknownTopLevel", {set("/extra", 1)}, "extra", "unknown field"},
        DecodeCase{"UnknownInListItem", {set("/spec/strategy/canary/steps/1/wait", "1m")}, "spec.strategy.canary.steps[1].wait", "unknown field"},
        DecodeCase{"WrongApiVersion", {set("/apiVersion", "aviary.dev/v1")}, "apiVersion", "must be aviary.dev/v1alpha1, got string \"aviary.dev/v1\""},
        DecodeCase{"WrongKind", {set("/kind", "ReleaseApproval")}, "kind", "must be ModelRelease, got string \"ReleaseApproval\""},
        DecodeCase{"MissingApiVersion", {remove("/apiVersion")}, "apiVersion", "required field is missing (want aviary.dev/v1alpha1)"},
        DecodeCase{"MissingSpec", {remove("/spec")}, "spec", "required field is missing"},
        DecodeCase{"MissingMetadata", {remove("/metadata")}, "metadata", "required field is missing"},
        DecodeCase{"MissingModelName", {remove("/spec/model/name")}, "spec.model.name", "required field is missing"},
        DecodeCase{"MissingModelVersion", {remove("/spec/model/version")}, "spec.model.version", "required field is missing"},
        DecodeCase{"MissingTemplate", {remove("/spec/template")}, "spec.template", "required field is missing"},
        DecodeCase{"MissingStrategy", {remove("/spec/strategy")}, "spec.strategy", "required field is missing"},
        DecodeCase{"MissingGateName", {remove("/spec/analysis/gates/2/name"), set("/spec/strategy/canary/backgroundAnalysis", nullptr)},
                   "spec.analysis.gates[2].name", "required field is missing"},
        DecodeCase{"MissingPrometheusQuery", {remove("/spec/analysis/gates/0/prometheus/query")}, "spec.analysis.gates[0].prometheus.query", "required field is missing"},
        DecodeCase{"MissingHttpRoute", {set("/spec/strategy/canary/trafficRouting/gatewayAPI", Json::object())},
                   "spec.strategy.canary.trafficRouting.gatewayAPI.httpRoute", "required field is missing"},
        DecodeCase{"ReplicasString", {set("/spec/replicas", "4")}, "spec.replicas", "must be an integer, got string \"4\""},
        DecodeCase{"ReplicasFraction", {set("/spec/replicas", 1.5)}, "spec.replicas", "must be an integer, got number 1.5"},
        DecodeCase{"ReplicasTooBig", {set("/spec/replicas", 3000000000LL)}, "spec.replicas",
                   "must be an integer between -2147483648 and 2147483647, got integer 3000000000"},
        DecodeCase{"WeightBoolean", {set("/spec/strategy/canary/steps/0/setWeight", true)}, "spec.strategy.canary.steps[0].setWeight", "must be an integer, got boolean true"},
        DecodeCase{"VersionFloat", {set("/spec/model/version", 1.1)}, "spec.model.version", "must be a string, got number 1.1 (quote it: \"1.1\")"},
        DecodeCase{"VersionList", {set("/spec/model/version", Json::array())}, "spec.model.version", "must be a string, got list"},
        DecodeCase{"ModelNameNumber", {set("/spec/model/name", 7)}, "spec.model.name", "must be a string, got integer 7"},
        DecodeCase{"TemplateNotObject", {set("/spec/template", "pod")}, "spec.template", "must be an object, got string \"pod\""},
        DecodeCase{"StepsNotList", {set("/spec/strategy/canary/steps", Json::object())}, "spec.strategy.canary.steps", "must be a list, got object"},
        DecodeCase{"StepNotObject", {set("/spec/strategy/canary/steps/2", "analysis")}, "spec.strategy.canary.steps[2]", "must be an object, got string \"analysis\""},
        DecodeCase{"GateNameInListNotString", {set("/spec/strategy/canary/steps/2/analysis/gates/1", 5)},
                   "spec.strategy.canary.steps[2].analysis.gates[1]", "must be a string, got integer 5"},
        DecodeCase{"ThresholdNotNumber", {set("/spec/analysis/gates/0/threshold/max", "1%")}, "spec.analysis.gates[0].threshold.max", "must be a number, got string \"1%\""},
        DecodeCase{"ConfidenceInfinite", {set("/spec/analysis/gates/1/compare/confidence", std::numeric_limits<double>::infinity())},
                   "spec.analysis.gates[1].compare.confidence", "must be a finite number, got number .inf"},
        DecodeCase{"CompareTestUnknown", {set("/spec/analysis/gates/1/compare/test", "t-test")}, "spec.analysis.gates[1].compare.test",
                   "must be one of mann-whitney, proportion, psi, quantile; got string \"t-test\""},
        DecodeCase{"DirectionUnknown", {set("/spec/analysis/gates/1/compare/direction", "up")}, "spec.analysis.gates[1].compare.direction",
                   "must be one of increase, decrease, either; got string \"up\""},
        DecodeCase{"WebhookMethod", {set("/spec/analysis/gates/2/webhook/method", "PUT")}, "spec.analysis.gates[2].webhook.method",
                   "must be one of GET, POST; got string \"PUT\""},
        DecodeCase{"WebhookBearerSecretKeyMissing", {remove("/spec/analysis/gates/2/webhook/bearerTokenSecret/key")},
                   "spec.analysis.gates[2].webhook.bearerTokenSecret.key", "required field is missing"},
        DecodeCase{"WebhookBearerSecretAsString", {set("/spec/analysis/gates/2/webhook/bearerTokenSecret", "hook-token")},
                   "spec.analysis.gates[2].webhook.bearerTokenSecret", "must be an object, got string \"hook-token\""},
        DecodeCase{"NotificationFormat", {set("/spec/notifications/0/format", "xml")}, "spec.notifications[0].format",
                   "must be one of generic, slack; got string \"xml\""},
        DecodeCase{"NotificationNameMissing", {remove("/spec/notifications/1/name")}, "spec.notifications[1].name",
                   "required field is missing"},
        DecodeCase{"NotificationSecretKeyMissing", {remove("/spec/notifications/0/urlSecretRef/key")},
                   "spec.notifications[0].urlSecretRef.key", "required field is missing"},
        DecodeCase{"NotificationOldFieldName", {set("/spec/notifications/1/webhookUrl", "https://x.example/")},
                   "spec.notifications[1].webhookUrl", "unknown field"},
        DecodeCase{"AutomaticNotBool", {set("/spec/rollback/automatic", "yes")}, "spec.rollback.automatic", "must be a boolean, got string \"yes\""},
        DecodeCase{"LabelsNotStrings", {set("/metadata/labels/team", 1)}, "metadata.labels.team", "must be a string, got integer 1"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(DecodeModelRelease, ReportsEveryProblemNotJustTheFirst) {
  FieldErrors errors;
  decodeModelRelease(edited(fullRelease(), {set("/spec/replicas", "x"), set("/spec/bogus", 1), remove("/spec/model/name"),
                                            set("/spec/strategy/canary/steps/0/setWeight", "ten")}),
                     errors);
  EXPECT_EQ(errors.size(), 4u) << describeAll(errors);
}

TEST(DecodeModelRelease, NonObjectInputIsOneError) {
  FieldErrors errors;
  decodeModelRelease(Json::array(), errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].path, "");
  EXPECT_EQ(errors[0].message, "must be an object (a ModelRelease manifest), got list");
}

TEST(DescribeJson, ShortensLongStrings) {
  FieldErrors errors;
  decodeModelRelease(edited(fullRelease(), {set("/spec/replicas", std::string(200, 'q'))}), errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_LT(errors[0].message.size(), 120u);
}

TEST(DecodeObjectMeta, IsLenient) {
  const ObjectMeta meta = decodeObjectMeta(Json::parse(
      R"({"name":"a","namespace":"b","uid":"u","resourceVersion":"9","generation":2,"labels":{"x":"y"},
          "annotations":{"aviary.dev/request":"promote"},"deletionTimestamp":"2024-01-01T00:00:00Z",
          "managedFields":[],"generation2":"junk"})"));
  EXPECT_EQ(meta.name, "a");
  EXPECT_EQ(meta.namespace_, "b");
  EXPECT_EQ(meta.uid, "u");
  EXPECT_EQ(meta.resourceVersion, "9");
  EXPECT_EQ(meta.generation, 2);
  EXPECT_EQ(meta.labels.at("x"), "y");
  EXPECT_EQ(meta.annotations.at(kRequestAnnotation), "promote");
  EXPECT_EQ(meta.deletionTimestamp, "2024-01-01T00:00:00Z");
  EXPECT_EQ(decodeObjectMeta(Json("not an object")).name, "");
}

}  // namespace
}  // namespace aviary::api::testing
