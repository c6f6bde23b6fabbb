// The command provider runs real processes, the webhook provider calls a real HTTP server on loopback;
// the JSON selection is shared by both.
#include <gtest/gtest.h>

#include <thread>

#include "analysis/command/command_provider.h"
#include "analysis/json_number.h"
#include "analysis/webhook/webhook_provider.h"
#include "aviary/analysis/analysis_runner.h"
#include "aviary/common/clock.h"
#include "unit/k8s/loopback_server.h"

namespace aviary::analysis {
namespace {

TEST(SelectMetric, PathsAndShapes) {
  const std::string body = R"({"data":{"rate":0.02,"points":[1,2,3],"counts":{"events":3,"total":100},"none":null}})";
  EXPECT_DOUBLE_EQ(std::get<Scalar>(*selectMetric(body, "$.data.rate")).value, 0.02);
  EXPECT_DOUBLE_EQ(std::get<Scalar>(*selectMetric(body, "$['data'].points[1]")).value, 2);
  EXPECT_EQ(std::get<Samples>(*selectMetric(body, "$.data.points")).values.size(), 3u);
  EXPECT_EQ(std::get<Samples>(*selectMetric(body, "$.data.points[*]")).values.size(), 3u);
  EXPECT_DOUBLE_EQ(std::get<Counts>(*selectMetric(body, "$.data.counts")).total, 100);
  EXPECT_TRUE(std::holds_alternative<NoData>(*selectMetric(body, "$.data.none")));
  EXPECT_TRUE(std::holds_alternative<NoData>(*selectMetric(body, "$.data.missing")));
  EXPECT_DOUBLE_EQ(std::get<Scalar>(*selectMetric("42", "$")).value, 42);
}

TEST(SelectMetric, ErrorsNameThePath) {
  EXPECT_EQ(selectMetric("not json", "$").error().code, ErrorCode::BadRequest);
  EXPECT_EQ(selectMetric(R"({"a":"x"})", "$.a").error().code, ErrorCode::BadRequest);
  EXPECT_EQ(selectMetric(R"({"a":1})", "a").error().code, ErrorCode::InvalidSpec);
  EXPECT_EQ(selectMetric(R"({"a":[1]})", "$.a[0").error().code, ErrorCode::InvalidSpec);
  EXPECT_EQ(selectMetric(R"({"a":[1,"b"]})", "$.a").error().code, ErrorCode::BadRequest);
}

TEST(SelectMetric, AHugeIndexIsOutOfRangeNotAnException) {
  auto value = selectMetric(R"({"m":[1]})", "$['m'][08888888888888888888888888888888888]");
  ASSERT_TRUE(value.ok());
  EXPECT_TRUE(std::holds_alternative<NoData>(*value));
}

api::Gate commandGate(std::vector<std::string> argv, std::string timeout = "5s") {
  api::Gate g;
  g.name = "cmd";
  g.command = api::CommandProvider{std::move(argv), std::move(timeout)};
  return g;
}

TEST(CommandProvider, ReadsANumberOrJsonFromStdout) {
  CommandProvider provider;
  QueryContext ctx;
  ctx.version = "7";
  auto number = provider.fetch(commandGate({"sh", "-c", "echo 0.25"}), ctx);
  ASSERT_TRUE(number.ok()) << number.error().message;
  EXPECT_DOUBLE_EQ(std::get<Scalar>(*number).value, 0.25);
  auto templated = provider.fetch(commandGate({"echo", "{{version}}"}), ctx);
  EXPECT_DOUBLE_EQ(std::get<Scalar>(*templated).value, 7);
  auto json = provider.fetch(commandGate({"sh", "-c", "echo '[1, 2, 3]'"}), ctx);
  EXPECT_EQ(std::get<Samples>(*json).values.size(), 3u);
}

TEST(CommandProvider, ExitCodeIsTheMeasurementWithoutNumericOutput) {
  CommandProvider provider;
  auto failed = provider.fetch(commandGate({"sh", "-c", "echo checking; exit 3"}), {});
  ASSERT_TRUE(failed.ok());
  EXPECT_DOUBLE_EQ(std::get<Scalar>(*failed).value, 3);
  auto passed = provider.fetch(commandGate({"true"}), {});
  EXPECT_DOUBLE_EQ(std::get<Scalar>(*passed).value, 0);
}

TEST(CommandProvider, TimeoutsAndMissingCommandsAreErrors) {
  CommandProvider provider;
  auto slow = provider.fetch(commandGate({"sleep", "5"}, "200ms"), {});
  ASSERT_FALSE(slow.ok());
  EXPECT_EQ(slow.error().code, ErrorCode::Timeout);
  auto missing = provider.fetch(commandGate({"no-such-command-aviary"}), {});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::Unavailable);
}

// The measurement pool runs gates side by side: one command's exit must not wait for another's
// (Boost.Process's SIGCHLD handling made each wait for its whole timeout when two ran at once).
TEST(CommandProvider, CommandsRunAtTheSameTimeEachEndWhenTheyExit) {
  CommandProvider provider;
  std::vector<Result<MetricValue>> values(4, makeError(ErrorCode::Internal, "not run"));
  std::vector<std::thread> threads;
  const auto started = std::chrono::steady_clock::now();
  for (size_t i = 0; i < values.size(); ++i) {
    threads.emplace_back([&, i] { values[i] = provider.fetch(commandGate({"sh", "-c", "sleep 0.2; echo " + std::to_string(i)}, "30s"), {}); });
  }
  for (auto& t : threads) t.join();
  const auto took = std::chrono::steady_clock::now() - started;
  for (size_t i = 0; i < values.size(); ++i) {
    ASSERT_TRUE(values[i].ok()) << values[i].error().message;
    EXPECT_DOUBLE_EQ(std::get<Scalar>(*values[i]).value, static_cast<double>(i));
  }
  EXPECT_LT(took, std::chrono::seconds(15)) << "a command waited for its timeout after it had exited";
}

TEST(CommandProvider, AShellsChildrenAreKilledAtTheTimeoutAndOutputIsBounded) {
  CommandProvider provider;
  // The background sleep keeps stdout open: only killing the whole process group ends the wait.
  auto slow = provider.fetch(commandGate({"sh", "-c", "sleep 30 & sleep 30"}, "300ms"), {});
  ASSERT_FALSE(slow.ok());
  EXPECT_EQ(slow.error().code, ErrorCode::Timeout);
  auto chatty = provider.fetch(commandGate({"sh", "-c", "head -c 3000000 /dev/zero"}), {});
  ASSERT_FALSE(chatty.ok());
  EXPECT_EQ(chatty.error().code, ErrorCode::BadRequest);
  EXPECT_NE(chatty.error().message.find("more than 1048576 bytes"), std::string::npos) << chatty.error().message;
  auto killed = provider.fetch(commandGate({"sh", "-c", "kill -TERM $$"}), {});
  ASSERT_TRUE(killed.ok()) << killed.error().message;
  EXPECT_DOUBLE_EQ(std::get<Scalar>(*killed).value, 128 + 15);
}

std::string httpReply(int status, const std::string& body) {
  return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

api::Gate webhookGate(const std::string& url) {
  api::Gate g;
  g.name = "hook";
  g.webhook = api::WebhookProvider{};
  g.webhook->url = url;
  g.webhook->timeout = "2s";
  return g;
}

TEST(WebhookProvider, SendsTheTokenAsABearerCredential) {
  aviary::testing::LoopbackServer server({httpReply(200, "0.02")});
  QueryContext ctx;
  ctx.version = "7";
  ctx.secrets["token"] = "t0k-from-secret";
  auto value = WebhookProvider().fetch(webhookGate(server.url() + "/score?version={{version}}"), ctx);
  ASSERT_TRUE(value.ok()) << value.error().message;
  EXPECT_DOUBLE_EQ(std::get<Scalar>(*value).value, 0.02);
  ASSERT_EQ(server.requests().size(), 1u);
  const std::string request = server.requests()[0];
  EXPECT_EQ(request.rfind("GET /score?version=7 HTTP/1.1\r\n", 0), 0u) << request;
  EXPECT_NE(request.find("\r\nAuthorization: Bearer t0k-from-secret\r\n"), std::string::npos) << request;
}

TEST(WebhookProvider, SendsNoAuthorizationWithoutAToken) {
  aviary::testing::LoopbackServer server({httpReply(200, "1")});
  auto value = WebhookProvider().fetch(webhookGate(server.url()), {});
  ASSERT_TRUE(value.ok()) << value.error().message;
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].find("Authorization"), std::string::npos) << server.requests()[0];
}

TEST(WebhookProvider, ARejectedTokenIsAnErrorNotAMeasurement) {
  aviary::testing::LoopbackServer server({httpReply(401, R"({"error":"bad token"})")});
  QueryContext ctx;
  ctx.secrets["token"] = "wrong-token";
  auto value = WebhookProvider().fetch(webhookGate(server.url()), ctx);
  ASSERT_FALSE(value.ok());
  EXPECT_NE(value.error().message.find("HTTP 401"), std::string::npos) << value.error().message;
}

EgressPolicy loopbackDenied() {
  EgressPolicyConfig config;
  config.loopback = LoopbackEgress::Deny;
  return *EgressPolicy::make(config);
}

TEST(WebhookProvider, EgressPolicyRefusesTheUrlBeforeAnyRequest) {
  aviary::testing::LoopbackServer server({httpReply(200, "0.02")});
  const auto policy = loopbackDenied();
  auto value = WebhookProvider(&policy).fetch(webhookGate(server.url() + "/score"), {});
  ASSERT_FALSE(value.ok());
  EXPECT_EQ(value.error().code, ErrorCode::Forbidden);
  EXPECT_EQ(value.error().message.rfind("egress policy denies 127.0.0.1", 0), 0u) << value.error().message;
  EXPECT_TRUE(server.requests().empty());
}

TEST(WebhookProvider, AnswerIsBounded) {
  aviary::testing::LoopbackServer server({httpReply(200, std::string(WebhookProvider::kMaxAnswerBytes + 1, '1'))});
  auto value = WebhookProvider().fetch(webhookGate(server.url()), {});
  ASSERT_FALSE(value.ok());
  EXPECT_NE(value.error().message.find("longer than"), std::string::npos) << value.error().message;
}

TEST(BuiltinProviders, GateProvidersApplyTheEgressPolicy) {
  aviary::testing::LoopbackServer server({httpReply(200, "1"), httpReply(200, "1")});
  SystemClock clock;
  const auto policy = loopbackDenied();
  ProviderRegistry registry;
  registerBuiltinProviders(registry, clock, ProviderOptions{false, &policy});
  auto hook = registry.find(api::ProviderKind::Webhook)->fetch(webhookGate(server.url()), {});
  ASSERT_FALSE(hook.ok());
  EXPECT_EQ(hook.error().code, ErrorCode::Forbidden);
  api::Gate prom;
  prom.name = "prom";
  prom.prometheus = api::PrometheusProvider{};
  prom.prometheus->address = server.url();
  prom.prometheus->query = "up";
  auto measured = registry.find(api::ProviderKind::Prometheus)->fetch(prom, {});
  ASSERT_FALSE(measured.ok());
  EXPECT_EQ(measured.error().code, ErrorCode::Forbidden);
  EXPECT_TRUE(server.requests().empty());
}

TEST(BuiltinProviders, CommandGatesRunOnlyWhenTheOperatorAllowsThem) {
  SystemClock clock;
  ProviderRegistry locked, open;
  registerBuiltinProviders(locked, clock);
  registerBuiltinProviders(open, clock, ProviderOptions{true});
  auto refused = locked.find(api::ProviderKind::Command)->fetch(commandGate({"sh", "-c", "echo 1"}), {});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("--enable-command-gates"), std::string::npos) << refused.error().message;
  auto ran = open.find(api::ProviderKind::Command)->fetch(commandGate({"sh", "-c", "echo 1"}), {});
  ASSERT_TRUE(ran.ok()) << ran.error().message;
  EXPECT_DOUBLE_EQ(std::get<Scalar>(*ran).value, 1);
}

}  // namespace
}  // namespace aviary::analysis
