// One row per validation rule: the edit that breaks it, the field path and message `check` reports.
// Each row must produce exactly that one finding, so a rule that fires twice or drags others along fails.

#include "api_test_support.h"

namespace aviary::api::testing {
namespace {

Json blueGreenRelease() {
  return edited(fullRelease(), {remove("/spec/strategy/canary"),
                                set("/spec/strategy/blueGreen", Json::parse(R"({"autoPromote": true,
                                    "autoPromotionSeconds": 60, "previewReplicas": 1,
                                    "prePromotionAnalysis": {"gates": ["error-rate"]},
                                    "postPromotionAnalysis": {"gates": ["latency"]}, "scaleDownDelay": "10s"})"))});
}

TEST(Validate, TheFixturesAndExamplesAreValid) {
  ModelRelease release;
  EXPECT_TRUE(check(fullRelease(), release).empty()) << describeAll(check(fullRelease(), release));
  EXPECT_TRUE(check(blueGreenRelease(), release).empty()) << describeAll(check(blueGreenRelease(), release));
  for (const char* name : {"canary-gateway-api.yaml", "blue-green.yaml", "canary-replica-ratio.yaml", "canary-istio.yaml"}) {
    FieldErrors errors;
    auto documents = parseDocuments(readFile(sourceDir() + "/examples/" + name), errors);
    ASSERT_TRUE(documents.ok()) << name << describeAll(errors);
    const Json& object = documents->at(0).object;
    EXPECT_TRUE(check(object, release).empty()) << name << describeAll(check(object, release));
  }
}

struct RuleCase {
  const char* name;
  std::vector<Edit> edits;
  std::string path;
  std::string message;
  bool blueGreen = false;
};

void PrintTo(const RuleCase& c, std::ostream* os) { *os << c.name; }

class Rules : public ::testing::TestWithParam<RuleCase> {};

TEST_P(Rules, ReportTheFieldPath) {
  const RuleCase& c = GetParam();
  ModelRelease release;
  const FieldErrors errors = check(edited(c.blueGreen ? blueGreenRelease() : fullRelease(), c.edits), release);
  ASSERT_EQ(errors.size(), 1u) << describeAll(errors);
  EXPECT_EQ(errors[0].path, c.path);
  EXPECT_EQ(errors[0].message, c.message);
}

const char* kCanary = "/spec/strategy/canary";
std::string canary(const std::string& rest) { return kCanary + rest; }
std::string gate(int index, const std::string& rest) { return "/spec/analysis/gates/" + std::to_string(index) + rest; }

INSTANTIATE_TEST_SUITE_P(
    Structure, Rules,
    ::testing::Values(
        RuleCase{"NameNotDns", {set("/metadata/name", "Fraud_Scorer")}, "metadata.name",
                 "\"Fraud_Scorer\" is not a valid name (DNS-1123 label): must consist of lower case letters, digits and '-'"},
        RuleCase{"NameMissing", {remove("/metadata/name")}, "metadata.name", "\"\" is not a valid name (DNS-1123 label): must not be empty"},
        RuleCase{"NameTooLong", {set("/metadata/name", std::string(64, 'a'))}, "metadata.name",
                 "\"" + std::string(64, 'a') + "\" is not a valid name (DNS-1123 label): must be at most 63 characters, got 64"},
        RuleCase{"NamespaceDash", {set("/metadata/namespace", "-ml")}, "metadata.namespace",
                 "\"-ml\" is not a valid name (DNS-1123 label): must start and end with a letter or digit"},
        RuleCase{"ModelNameEmpty", {set("/spec/model/name", "")}, "spec.model.name", "must not be empty"},
        RuleCase{"VersionEmpty", {set("/spec/model/version", "")}, "spec.model.version", "must not be empty"},
        RuleCase{"VersionSlash", {set("/spec/model/version", "v1/2")}, "spec.model.version",
                 "\"v1/2\" may contain only letters, digits, '-', '_' and '.' (it becomes a label)"},
        RuleCase{"VersionEdge", {set("/spec/model/version", "1.0-")}, "spec.model.version",
                 "\"1.0-\" must start and end with a letter or digit (it becomes a label)"},
        RuleCase{"VersionTooLong", {set("/spec/model/version", std::string(64, '1'))}, "spec.model.version",
                 "must be at most 63 characters (it becomes a label), got 64"},
        RuleCase{"RegistryUrl", {set("/spec/registry/mlflow/url", "mlflow:5000")}, "spec.registry.mlflow.url",
                 "must be an http:// or https:// URL with a host, got \"mlflow:5000\""},
        RuleCase{"RegistrySecret", {set("/spec/registry/mlflow/credentialsSecret", "Auth")}, "spec.registry.mlflow.credentialsSecret",
                 "\"Auth\" is not a valid name (DNS-1123 subdomain): must consist of lower case letters, digits and '-'"},
        RuleCase{"RegistryRequiredWithoutRegistry", {remove("/spec/registry/mlflow")}, "spec.registry.required",
                 "needs a registry (spec.registry.mlflow)"},
        RuleCase{"ReplicasNegative", {set("/spec/replicas", -1)}, "spec.replicas", "must be at least 0, got -1"},
        RuleCase{"TemplateWithoutSpec", {set("/spec/template", Json::parse(R"({"metadata":{}})"))}, "spec.template.spec",
                 "required field is missing (a PodSpec with containers)"},
        RuleCase{"TemplateWithoutContainers", {set("/spec/template/spec/containers", Json::array())}, "spec.template.spec.containers",
                 "must list at least one container"},
        RuleCase{"PortZero", {set("/spec/service/port", 0)}, "spec.service.port", "must be between 1 and 65535, got 0"},
        RuleCase{"TargetPortHigh", {set("/spec/service/targetPort", 70000)}, "spec.service.targetPort", "must be between 1 and 65535, got 70000"},
        RuleCase{"DeadlineZero", {set("/spec/progressDeadlineSeconds", 0)}, "spec.progressDeadlineSeconds", "must be at least 1, got 0"},
        RuleCase{"NotificationUrl", {set("/spec/notifications/1/url", "hooks")}, "spec.notifications[1].url",
                 "must be an http:// or https:// URL with a host, got \"hooks\""},
        RuleCase{"NotificationUrlAndSecret", {set("/spec/notifications/1/urlSecretRef", Json::parse(R"({"name":"s","key":"url"})"))},
                 "spec.notifications[1]", "must set exactly one of url, urlSecretRef (found url, urlSecretRef)"},
        RuleCase{"NotificationNoUrl", {remove("/spec/notifications/1/url")}, "spec.notifications[1]",
                 "must set exactly one of url, urlSecretRef (found none)"},
        RuleCase{"NotificationName", {set("/spec/notifications/0/name", "Team Slack")}, "spec.notifications[0].name",
                 "\"Team Slack\" is not a valid name (DNS-1123 label): must consist of lower case letters, digits and '-'"},
        RuleCase{"NotificationDuplicateName", {set("/spec/notifications/1/name", "team-slack")}, "spec.notifications[1].name",
                 "duplicate notification name \"team-slack\" (also spec.notifications[0])"},
        RuleCase{"NotificationSecretName", {set("/spec/notifications/0/urlSecretRef/name", "Slack_Hook")},
                 "spec.notifications[0].urlSecretRef.name",
                 "\"Slack_Hook\" is not a valid name (DNS-1123 subdomain): must consist of lower case letters, digits and '-'"},
        RuleCase{"NotificationSecretKeyEmpty", {set("/spec/notifications/0/urlSecretRef/key", "")},
                 "spec.notifications[0].urlSecretRef.key", "must not be empty"}),
    [](const auto& info) { return std::string(info.param.name); });

INSTANTIATE_TEST_SUITE_P(
    Strategy, Rules,
    ::testing::Values(
        RuleCase{"NoStrategy", {set("/spec/strategy", Json::object())}, "spec.strategy", "must set exactly one of canary, blueGreen (found none)"},
        RuleCase{"TwoStrategies", {set("/spec/strategy/blueGreen", Json::object())}, "spec.strategy",
                 "must set exactly one of canary, blueGreen (found canary, blueGreen)"},
        RuleCase{"TwoRouters", {set(canary("/trafficRouting/istio"), Json::parse(R"({"virtualService":"vs"})"))},
                 "spec.strategy.canary.trafficRouting", "must set at most one of gatewayAPI, istio (found both; none = replica ratio)"},
        RuleCase{"HttpRouteName", {set(canary("/trafficRouting/gatewayAPI/httpRoute"), "Route")}, "spec.strategy.canary.trafficRouting.gatewayAPI.httpRoute",
                 "\"Route\" is not a valid name (DNS-1123 subdomain): must consist of lower case letters, digits and '-'"},
        RuleCase{"VirtualServiceName",
                 {remove(canary("/trafficRouting/gatewayAPI")), set(canary("/trafficRouting/istio"), Json::parse(R"({"virtualService":"a..b"})"))},
                 "spec.strategy.canary.trafficRouting.istio.virtualService",
                 "\"a..b\" is not a valid name (DNS-1123 subdomain): must not be empty"},
        RuleCase{"IstioRouteEmpty",
                 {remove(canary("/trafficRouting/gatewayAPI")), set(canary("/trafficRouting/istio"), Json::parse(R"({"virtualService":"vs","routes":[""]})"))},
                 "spec.strategy.canary.trafficRouting.istio.routes[0]", "must not be empty"},
        RuleCase{"StepWithoutAction", {set(canary("/steps/3"), Json::object())}, "spec.strategy.canary.steps[3]",
                 "must set exactly one of setWeight, pause, analysis, approval, setMirror, setHeaderRoute (found none)"},
        RuleCase{"StepWithTwoActions", {set(canary("/steps/0/pause"), Json::object())}, "spec.strategy.canary.steps[0]",
                 "must set exactly one of setWeight, pause, analysis, approval, setMirror, setHeaderRoute (found setWeight, pause)"},
        RuleCase{"MirrorAbove100", {set(canary("/steps/2"), Json::parse(R"({"setMirror":{"percent":101}})"))},
                 "spec.strategy.canary.steps[2].setMirror.percent", "must be between 0 and 100, got 101"},
        RuleCase{"MirrorWithReplicaRatio",
                 {remove(canary("/trafficRouting/gatewayAPI")), set(canary("/steps/2"), Json::parse(R"({"setMirror":{"percent":100}})"))},
                 "spec.strategy.canary.steps[2].setMirror",
                 "needs trafficRouting (gatewayAPI or istio): the replica ratio cannot mirror requests"},
        RuleCase{"HeaderRouteWithReplicaRatio",
                 {remove(canary("/trafficRouting/gatewayAPI")),
                  set(canary("/steps/1"), Json::parse(R"({"setHeaderRoute":{"name":"testers","match":[{"header":"x-cohort","exact":"t"}]}})"))},
                 "spec.strategy.canary.steps[1].setHeaderRoute",
                 "needs trafficRouting (gatewayAPI or istio): the replica ratio cannot route by header"},
        RuleCase{"HeaderMatchTwoKinds",
                 {set(canary("/steps/1"), Json::parse(R"({"setHeaderRoute":{"name":"testers","match":[{"header":"x-cohort","exact":"t","prefix":"u"}]}})"))},
                 "spec.strategy.canary.steps[1].setHeaderRoute.match[0]", "must set exactly one of exact, prefix, regex (found exact, prefix)"},
        RuleCase{"HeaderNameInvalid",
                 {set(canary("/steps/1"), Json::parse(R"({"setHeaderRoute":{"name":"testers","match":[{"header":"x cohort","exact":"t"}]}})"))},
                 "spec.strategy.canary.steps[1].setHeaderRoute.match[0].header",
                 "must be an HTTP header name (letters, digits, !#$%&'*+-.^_`|~), got \"x cohort\""},
        RuleCase{"HeaderRegexInvalid",
                 {set(canary("/steps/1"), Json::parse(R"({"setHeaderRoute":{"name":"testers","match":[{"header":"x-cohort","regex":"(unclosed"}]}})"))},
                 "spec.strategy.canary.steps[1].setHeaderRoute.match[0].regex", "\"(unclosed\" is not a regular expression"},
        RuleCase{"WeightAbove100", {set(canary("/steps/2"), Json::parse(R"({"setWeight":150})"))}, "spec.strategy.canary.steps[2].setWeight",
                 "must be between 0 and 100, got 150"},
        RuleCase{"WeightNegative", {set(canary("/steps/0/setWeight"), -5)}, "spec.strategy.canary.steps[0].setWeight", "must be between 0 and 100, got -5"},
        RuleCase{"PauseDuration", {set(canary("/steps/1/pause/duration"), "2 minutes")}, "spec.strategy.canary.steps[1].pause.duration",
                 "invalid duration \"2 minutes\": missing unit after \"2\" (use ms, s, m or h)"},
        RuleCase{"AnalysisUnknownGate", {set(canary("/steps/2/analysis/gates/1"), "latencyy")}, "spec.strategy.canary.steps[2].analysis.gates[1]",
                 "no gate named \"latencyy\" in spec.analysis.gates"},
        RuleCase{"AnalysisNoGates", {set(canary("/steps/2/analysis/gates"), Json::array())}, "spec.strategy.canary.steps[2].analysis.gates",
                 "must name at least one gate"},
        RuleCase{"AnalysisGatesMissing", {set(canary("/steps/2/analysis"), Json::object())}, "spec.strategy.canary.steps[2].analysis.gates",
                 "required field is missing"},
        RuleCase{"ApprovalEmptyGroup", {set(canary("/steps/4/approval/groups/0"), "")}, "spec.strategy.canary.steps[4].approval.groups[0]", "must not be empty"},
        RuleCase{"ApprovalEmptyUser", {set(canary("/steps/4/approval/users/0"), "")}, "spec.strategy.canary.steps[4].approval.users[0]", "must not be empty"},
        RuleCase{"BackgroundUnknownGate", {set(canary("/backgroundAnalysis/gates/0"), "nope")}, "spec.strategy.canary.backgroundAnalysis.gates[0]",
                 "no gate named \"nope\" in spec.analysis.gates"},
        RuleCase{"ScaleDownDelay", {set(canary("/scaleDownDelay"), "soon")}, "spec.strategy.canary.scaleDownDelay",
                 "invalid duration \"soon\": expected a number at position 1 (use e.g. 30s, 2m, 1h30m)"},
        RuleCase{"AutoPromotionWithoutAutoPromote", {set("/spec/strategy/blueGreen/autoPromote", false)}, "spec.strategy.blueGreen.autoPromotionSeconds",
                 "needs autoPromote: true", true},
        RuleCase{"AutoPromotionNegative", {set("/spec/strategy/blueGreen/autoPromotionSeconds", -1)}, "spec.strategy.blueGreen.autoPromotionSeconds",
                 "must be at least 0, got -1", true},
        RuleCase{"PreviewReplicasNegative", {set("/spec/strategy/blueGreen/previewReplicas", -2)}, "spec.strategy.blueGreen.previewReplicas",
                 "must be at least 0, got -2", true},
        RuleCase{"PrePromotionUnknownGate", {set("/spec/strategy/blueGreen/prePromotionAnalysis/gates/0", "x")},
                 "spec.strategy.blueGreen.prePromotionAnalysis.gates[0]", "no gate named \"x\" in spec.analysis.gates", true},
        RuleCase{"PostPromotionUnknownGate", {set("/spec/strategy/blueGreen/postPromotionAnalysis/gates/0", "y")},
                 "spec.strategy.blueGreen.postPromotionAnalysis.gates[0]", "no gate named \"y\" in spec.analysis.gates", true},
        RuleCase{"BlueGreenScaleDownDelay", {set("/spec/strategy/blueGreen/scaleDownDelay", "5")}, "spec.strategy.blueGreen.scaleDownDelay",
                 "invalid duration \"5\": missing unit after \"5\" (use ms, s, m or h)", true}),
    [](const auto& info) { return std::string(info.param.name); });

INSTANTIATE_TEST_SUITE_P(
    Analysis, Rules,
    ::testing::Values(
        RuleCase{"IntervalZero", {set("/spec/analysis/interval", "0s")}, "spec.analysis.interval", "must be longer than 0"},
        RuleCase{"PassScoreRange", {set("/spec/analysis/passScore", 101)}, "spec.analysis.passScore", "must be between 0 and 100, got 101.0"},
        RuleCase{"MarginalAbovePass", {set("/spec/analysis/marginalScore", 95)}, "spec.analysis.marginalScore", "must not be greater than passScore (90.0)"},
        RuleCase{"MarginalWithoutPass", {remove("/spec/analysis/passScore")}, "spec.analysis.marginalScore", "needs passScore"},
        RuleCase{"GateNameNotDns", {set(gate(3, "/name"), "Scripted")}, "spec.analysis.gates[3].name",
                 "\"Scripted\" is not a valid name (DNS-1123 label): must consist of lower case letters, digits and '-'"},
        RuleCase{"DuplicateGateName", {set(gate(3, "/name"), "latency")}, "spec.analysis.gates[3].name",
                 "duplicate gate name \"latency\" (also spec.analysis.gates[1])"},
        RuleCase{"NoProvider", {remove(gate(3, "/command"))}, "spec.analysis.gates[3]",
                 "must set exactly one of prometheus, command, webhook (found none)"},
        RuleCase{"TwoProviders", {set(gate(3, "/webhook"), Json::parse(R"({"url":"http://x"})"))}, "spec.analysis.gates[3]",
                 "must set exactly one of prometheus, command, webhook (found command, webhook)"},
        RuleCase{"NoJudge", {remove(gate(0, "/threshold"))}, "spec.analysis.gates[0]", "must set exactly one of threshold, compare (found none)"},
        RuleCase{"TwoJudges", {set(gate(0, "/compare"), Json::object())}, "spec.analysis.gates[0]",
                 "must set exactly one of threshold, compare (found threshold, compare)"},
        RuleCase{"ThresholdEmpty", {set(gate(0, "/threshold"), Json::object())}, "spec.analysis.gates[0].threshold", "must set min, max or both"},
        RuleCase{"ThresholdInverted", {set(gate(2, "/threshold/min"), 6)}, "spec.analysis.gates[2].threshold",
                 "min (6.0) must not be greater than max (5.0)"},
        RuleCase{"ThresholdWrongType", {set(gate(0, "/threshold"), 0.01)}, "spec.analysis.gates[0].threshold", "must be an object, got number 0.01"},
        RuleCase{"ConfidenceOne", {set(gate(1, "/compare/confidence"), 1)}, "spec.analysis.gates[1].compare.confidence",
                 "must be between 0 and 1 (exclusive), got 1.0"},
        RuleCase{"ConfidenceZero", {set(gate(1, "/compare/confidence"), 0)}, "spec.analysis.gates[1].compare.confidence",
                 "must be between 0 and 1 (exclusive), got 0.0"},
        RuleCase{"AllowedIncreaseBelowOne", {set(gate(1, "/compare/allowedIncrease"), 0.9)}, "spec.analysis.gates[1].compare.allowedIncrease",
                 "is a ratio of at least 1 (1.1 = up to 10% more), got 0.9"},
        RuleCase{"AllowedDecreaseAboveOne", {set(gate(1, "/compare/allowedDecrease"), 1.2)}, "spec.analysis.gates[1].compare.allowedDecrease",
                 "is a ratio in (0, 1] (0.9 = up to 10% less), got 1.2"},
        RuleCase{"MaxPsiZero", {set(gate(1, "/compare/test"), "psi"), remove(gate(1, "/compare/allowedIncrease")), set(gate(1, "/compare/maxPsi"), 0)},
                 "spec.analysis.gates[1].compare.maxPsi", "must be greater than 0, got 0.0"},
        RuleCase{"MaxPsiWithoutPsi", {set(gate(1, "/compare/maxPsi"), 0.2)}, "spec.analysis.gates[1].compare.maxPsi", "only applies to test: psi"},
        RuleCase{"MinSamplesZero", {set(gate(1, "/compare/minSamples"), 0)}, "spec.analysis.gates[1].compare.minSamples", "must be at least 1, got 0"},
        RuleCase{"SequentialMannWhitney", {set(gate(1, "/compare/sequential"), true)}, "spec.analysis.gates[1].compare.sequential",
                 "applies to test: proportion or quantile (cumulative counts), not mann-whitney"},
        RuleCase{"SpendingWithoutSequential", {set(gate(1, "/compare/spending"), "front-loaded")}, "spec.analysis.gates[1].compare.spending",
                 "applies to sequential: true"},
        RuleCase{"SpendingUnknown", {set(gate(1, "/compare/spending"), "back-loaded")}, "spec.analysis.gates[1].compare.spending",
                 "must be one of none, front-loaded; got string \"back-loaded\""},
        RuleCase{"MaxLooksWithoutSpending", {set(gate(1, "/compare/test"), "proportion"), set(gate(1, "/compare/sequential"), true),
                                              set(gate(1, "/compare/maxLooks"), 20)},
                 "spec.analysis.gates[1].compare.maxLooks", "only applies to spending: front-loaded"},
        RuleCase{"MaxLooksZero", {set(gate(1, "/compare/test"), "proportion"), set(gate(1, "/compare/sequential"), true),
                                   set(gate(1, "/compare/spending"), "front-loaded"), set(gate(1, "/compare/maxLooks"), 0)},
                 "spec.analysis.gates[1].compare.maxLooks", "must be between 1 and 10000, got 0"},
        RuleCase{"CountBeyondMaxLooks", {set(gate(1, "/compare/test"), "proportion"), set(gate(1, "/compare/sequential"), true),
                                          set(gate(1, "/compare/spending"), "front-loaded"), set(gate(1, "/compare/maxLooks"), 10),
                                          set(gate(1, "/count"), 12)},
                 "spec.analysis.gates[1].count", "exceeds compare.maxLooks (10): looks after the last planned one could never fail"},
        RuleCase{"QuantileOutOfRange", {set(gate(1, "/compare/test"), "quantile"), set(gate(1, "/compare/quantile"), 1.0)},
                 "spec.analysis.gates[1].compare.quantile", "must be between 0 and 1 (exclusive), got 1.0"},
        RuleCase{"QuantileEitherDirection", {set(gate(1, "/compare/test"), "quantile"), set(gate(1, "/compare/direction"), "either")},
                 "spec.analysis.gates[1].compare.direction", "the quantile test watches one direction: increase or decrease"},
        RuleCase{"CompareQueryWithoutVersion", {set(gate(1, "/prometheus/query"), "latency")}, "spec.analysis.gates[1].prometheus.query",
                 "must contain {{version}}: a compare gate runs it for the canary and for the baseline"},
        RuleCase{"CompareTotalQueryWithoutVersion", {set(gate(1, "/prometheus/totalQuery"), "sum(x)")}, "spec.analysis.gates[1].prometheus.totalQuery",
                 "must contain {{version}}: a compare gate runs it for the canary and for the baseline"},
        RuleCase{"PrometheusAddress", {set(gate(0, "/prometheus/address"), "http://")}, "spec.analysis.gates[0].prometheus.address",
                 "must be an http:// or https:// URL with a host, got \"http://\""},
        RuleCase{"PrometheusQueryEmpty", {set(gate(0, "/prometheus/query"), "")}, "spec.analysis.gates[0].prometheus.query", "must not be empty"},
        RuleCase{"PrometheusRange", {set(gate(1, "/prometheus/range"), "0s")}, "spec.analysis.gates[1].prometheus.range", "must be longer than 0"},
        RuleCase{"PrometheusStepWithoutRange", {remove(gate(1, "/prometheus/range"))}, "spec.analysis.gates[1].prometheus.step",
                 "is only used with range (a range query)"},
        RuleCase{"PrometheusTimeout", {set(gate(0, "/prometheus/timeout"), "3")}, "spec.analysis.gates[0].prometheus.timeout",
                 "invalid duration \"3\": missing unit after \"3\" (use ms, s, m or h)"},
        RuleCase{"BearerSecretName", {set(gate(1, "/prometheus/bearerTokenSecret/name"), "Token")}, "spec.analysis.gates[1].prometheus.bearerTokenSecret.name",
                 "\"Token\" is not a valid name (DNS-1123 subdomain): must consist of lower case letters, digits and '-'"},
        RuleCase{"BearerSecretKey", {set(gate(1, "/prometheus/bearerTokenSecret/key"), "")}, "spec.analysis.gates[1].prometheus.bearerTokenSecret.key",
                 "must not be empty"},
        RuleCase{"CommandEmpty", {set(gate(3, "/command/command"), Json::array())}, "spec.analysis.gates[3].command.command",
                 "must list the program and its arguments"},
        RuleCase{"CommandProgramEmpty", {set(gate(3, "/command/command/0"), "")}, "spec.analysis.gates[3].command.command[0]", "must not be empty"},
        RuleCase{"WebhookUrl", {set(gate(2, "/webhook/url"), "ftp://x")}, "spec.analysis.gates[2].webhook.url",
                 "must be an http:// or https:// URL with a host, got \"ftp://x\""},
        RuleCase{"WebhookBodyWithGet", {set(gate(2, "/webhook/method"), "GET")}, "spec.analysis.gates[2].webhook.body", "needs method: POST"},
        RuleCase{"WebhookJsonPath", {set(gate(2, "/webhook/jsonPath"), "value")}, "spec.analysis.gates[2].webhook.jsonPath",
                 "must start with $, got \"value\""},
        RuleCase{"WebhookBearerSecretName", {set(gate(2, "/webhook/bearerTokenSecret/name"), "Hook_Token")},
                 "spec.analysis.gates[2].webhook.bearerTokenSecret.name",
                 "\"Hook_Token\" is not a valid name (DNS-1123 subdomain): must consist of lower case letters, digits and '-'"},
        RuleCase{"WebhookBearerSecretKey", {set(gate(2, "/webhook/bearerTokenSecret/key"), "")},
                 "spec.analysis.gates[2].webhook.bearerTokenSecret.key", "must not be empty"},
        RuleCase{"GateIntervalZero", {set(gate(1, "/interval"), "0")}, "spec.analysis.gates[1].interval", "must be longer than 0"},
        RuleCase{"GateInitialDelay", {set(gate(1, "/initialDelay"), "later")}, "spec.analysis.gates[1].initialDelay",
                 "invalid duration \"later\": expected a number at position 1 (use e.g. 30s, 2m, 1h30m)"},
        RuleCase{"CountZero", {set(gate(1, "/count"), 0)}, "spec.analysis.gates[1].count", "must be at least 1, got 0"},
        RuleCase{"FailureLimitNegative", {set(gate(1, "/failureLimit"), -1)}, "spec.analysis.gates[1].failureLimit", "must be at least 0, got -1"},
        RuleCase{"InconclusiveLimitNegative", {set(gate(1, "/inconclusiveLimit"), -1)}, "spec.analysis.gates[1].inconclusiveLimit", "must be at least 0, got -1"},
        RuleCase{"ConsecutiveErrorLimitNegative", {set(gate(1, "/consecutiveErrorLimit"), -1)}, "spec.analysis.gates[1].consecutiveErrorLimit",
                 "must be at least 0, got -1"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(Check, DropsValidationFindingsUnderAPathDecodingReported) {
  ModelRelease release;
  // The decoder reports the wrong type; validation must not add "must be between 0 and 100" or
  // "must set exactly one of …" for the same step.
  const FieldErrors errors = check(edited(fullRelease(), {set(canary("/steps/0/setWeight"), "ten"),
                                                         set(canary("/steps/1"), "pause"), remove("/spec/strategy")}),
                                   release);
  ASSERT_EQ(errors.size(), 1u) << describeAll(errors);
  EXPECT_EQ(errors[0].path, "spec.strategy");
}

TEST(Check, ReportsAllIndependentProblems) {
  ModelRelease release;
  const FieldErrors errors = check(edited(fullRelease(), {set("/spec/replicas", -1), set(canary("/steps/0/setWeight"), 101),
                                                         set(gate(0, "/name"), "x"), set("/spec/bogus", true)}),
                                   release);
  // replicas, weight, unknown field, and the steps/background analysis that named "error-rate".
  EXPECT_EQ(errors.size(), 4u) << describeAll(errors);
}

TEST(Validate, WorksOnTypedValuesWithoutDecoding) {
  ModelRelease release;
  release.metadata.name = "m";
  release.spec.model = {"m", "1"};
  release.spec.template_ = Json::parse(R"({"spec":{"containers":[{"name":"c"}]}})");
  release.spec.strategy.canary = CanaryStrategy{};
  EXPECT_TRUE(validate(release).empty()) << describeAll(validate(release));
  release.spec.strategy.canary->steps.push_back(CanaryStep{});
  ASSERT_EQ(validate(release).size(), 1u);
  EXPECT_EQ(validate(release)[0].path, "spec.strategy.canary.steps[0]");
}

}  // namespace
}  // namespace aviary::api::testing
