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

TEST(ParseExperimentId, ReadsGetByNameAndCreate) {
  EXPECT_EQ(parseExperimentId(R"({"experiment":{"experiment_id":"4","name":"aviary/ml/fraud"}})", "get").value(), "4");
  EXPECT_EQ(parseExperimentId(R"({"experiment_id":"9"})", "create").value(), "9");
  for (const char* body : {"", "x", "[]", R"({"experiment":{"experiment_id":7}})", R"({"experiment":"1"})",
                           R"({"experiment_id":null})", R"({"experiment":{"experiment_id":""}})"}) {
    auto id = parseExperimentId(body, "experiments/get-by-name");
    ASSERT_FALSE(id.ok()) << body;
    EXPECT_EQ(id.error().code, ErrorCode::Unavailable) << body;
    EXPECT_NE(id.error().message.find("experiments/get-by-name"), std::string::npos) << id.error().message;
  }
}

TEST(ParseRunSearch, ReadsTheFirstRunOrNone) {
  auto found = parseRunSearch(R"({"runs":[{"info":{"run_id":"r1","experiment_id":"1","status":"RUNNING",
      "artifact_uri":"mlflow-artifacts:/1/r1/artifacts"},"data":{"tags":[{"key":"aviary.rollout","value":"2"}],
      "params":[{"key":"model.version","value":"8"}]}},{"info":{"run_id":"r0"}}]})");
  ASSERT_TRUE(found.ok()) << found.error().describe();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->runId, "r1");
  EXPECT_EQ((*found)->status, "RUNNING");
  EXPECT_EQ((*found)->artifactUri, "mlflow-artifacts:/1/r1/artifacts");
  EXPECT_EQ((*found)->tags.at("aviary.rollout"), "2");
  EXPECT_EQ((*found)->params.at("model.version"), "8");
  for (const char* none : {"{}", R"({"runs":[]})", R"({"next_page_token":"x"})"}) {
    auto empty = parseRunSearch(none);
    ASSERT_TRUE(empty.ok()) << none;
    EXPECT_FALSE(empty->has_value()) << none;
  }
  for (const char* bad : {"", "[]", R"({"runs":5})", R"({"runs":{"info":{}}})", R"({"runs":[5]})", R"({"runs":[{"info":7}]})",
                          R"({"runs":[{"info":{"run_id":3}}]})"}) {
    auto run = parseRunSearch(bad);
    ASSERT_FALSE(run.ok()) << bad;
    EXPECT_EQ(run.error().code, ErrorCode::Unavailable) << bad;
  }
}

TEST(ParseRun, KeepsWellFormedTagsAndParamsOnly) {
  auto run = parseRun(R"({"run":{"info":{"run_id":"r","status":"FINISHED","experiment_id":5},
      "data":{"tags":[{"key":"ok","value":"1"},{"key":"n","value":2},7,{"value":"no key"}],"params":"none"}}})", "runs/get");
  ASSERT_TRUE(run.ok()) << run.error().describe();
  EXPECT_EQ(run->runId, "r");
  EXPECT_EQ(run->experimentId, "") << "a number where a string belongs is left at the default";
  EXPECT_EQ(run->tags, (std::map<std::string, std::string>{{"ok", "1"}}));
  EXPECT_TRUE(run->params.empty());
  for (const char* bad : {"", R"({"run":[]})", R"({"run":{"info":{}}})", R"({"run":{"info":{"run_id":["r"]}}})", R"({"other":1})"}) {
    auto none = parseRun(bad, "runs/create");
    ASSERT_FALSE(none.ok()) << bad;
    EXPECT_NE(none.error().message.find("runs/create"), std::string::npos) << none.error().message;
  }
}

TEST(ParseMetricHistory, ReadsPointsAndSkipsMalformedOnes) {
  auto points = parseMetricHistory(R"({"metrics":[
      {"key":"gate/e/value","value":0.004,"timestamp":1772359260000,"step":1},
      {"value":2,"timestamp":"1772359290000","step":"3"},
      {"value":"NaN","timestamp":1,"step":1},
      {"value":1,"timestamp":"soon","step":[2]},
      5]})", "gate/e/value");
  ASSERT_TRUE(points.ok()) << points.error().describe();
  ASSERT_EQ(points->size(), 3u);
  EXPECT_EQ((*points)[0], (MetricPoint{"gate/e/value", 0.004, 1772359260000, 1}));
  EXPECT_EQ((*points)[1], (MetricPoint{"gate/e/value", 2, 1772359290000, 3})) << "int64s may come as strings";
  EXPECT_EQ((*points)[2], (MetricPoint{"gate/e/value", 1, 0, 0})) << "unreadable timestamp and step are 0";
  EXPECT_TRUE(parseMetricHistory("{}", "k").value().empty());
  EXPECT_TRUE(parseMetricHistory(R"({"metrics":"none"})", "k").value().empty());
  EXPECT_FALSE(parseMetricHistory("[1]", "k").ok());
}

}  // namespace
}  // namespace aviary::registry
