// MLflow answers, well-formed and not: wrong JSON shapes are errors or defaults, never exceptions.
#include "registry/mlflow/mlflow_response.h"

#include <gtest/gtest.h>

namespace aviary::registry {
namespace {

TEST(ParseModelVersion, ReadsTheFields) {
  auto info = parseModelVersion(R"({"model_version":{"name":"fraud","version":"3","status":"PENDING_REGISTRATION",
      "status_message":"copying","source":"s3://m/3","tags":[{"key":"stage","value":"canary"}],
      "aliases":["champion",5]}})", "x", "9");
  ASSERT_TRUE(info.ok()) << info.error().describe();
  EXPECT_EQ(info->name, "fraud");
  EXPECT_EQ(info->version, "3");
  EXPECT_EQ(info->state, VersionState::PendingRegistration);
  EXPECT_EQ(info->statusMessage, "copying");
  EXPECT_EQ(info->source, "s3://m/3");
  EXPECT_EQ(info->tags.at("stage"), "canary");
  EXPECT_EQ(info->aliases, std::vector<std::string>{"champion"});
}

TEST(ParseModelVersion, WrongShapesAreErrorsOrDefaults) {
  for (const char* body : {"", "garbage", "[]", "5", R"({"model_version":5})", R"({"model_version":"x"})",
                           R"({"model_version":null})", R"({"other":{}})", "{\"model_version\":{"}) {
    auto info = parseModelVersion(body, "m", "1");
    ASSERT_FALSE(info.ok()) << body;
    EXPECT_EQ(info.error().code, ErrorCode::Unavailable) << body;
  }
  auto odd = parseModelVersion(R"({"model_version":{"name":7,"version":[1],"status":{},"tags":"x"}})", "m", "1");
  ASSERT_TRUE(odd.ok());
  EXPECT_EQ(odd->name, "m");
  EXPECT_EQ(odd->version, "1");
  EXPECT_EQ(odd->state, VersionState::Ready);
  EXPECT_TRUE(odd->tags.empty());
  auto tags = parseModelVersion(R"({"model_version":{"tags":[5,"a",{"key":1,"value":2},{"key":"k","value":"v"}]}})", "m", "1");
  ASSERT_TRUE(tags.ok());
  EXPECT_EQ(tags->tags.at("k"), "v");
}

TEST(MlflowError, MapsCodesAndStatuses) {
  EXPECT_EQ(mlflowError(404, "").code, ErrorCode::NotFound);
  EXPECT_EQ(mlflowError(500, R"({"error_code":"RESOURCE_DOES_NOT_EXIST","message":"no"})").code, ErrorCode::NotFound);
  EXPECT_EQ(mlflowError(400, "x").code, ErrorCode::InvalidSpec);
  EXPECT_EQ(mlflowError(401, "x").code, ErrorCode::Unauthorized);
  EXPECT_EQ(mlflowError(403, "x").code, ErrorCode::Forbidden);
  auto e = mlflowError(503, R"({"error_code":5,"message":["m"]})");
  EXPECT_EQ(e.code, ErrorCode::Unavailable);
  EXPECT_EQ(e.httpStatus, 503);
  EXPECT_NE(e.message.find("HTTP 503"), std::string::npos) << e.message;
  EXPECT_LE(mlflowError(500, std::string(10'000, 'z')).message.size(), 300u);
}

}  // namespace
}  // namespace aviary::registry
