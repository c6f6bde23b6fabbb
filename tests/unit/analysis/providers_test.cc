// The command provider runs real processes; the JSON selection is shared with the webhook provider.
#include <gtest/gtest.h>

#include "analysis/command/command_provider.h"
#include "analysis/json_number.h"
#include "aviary/analysis/analysis_runner.h"
#include "aviary/common/clock.h"

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
