// MlflowRegistry against the real MLflow server started by hack/cluster.sh (AVIARY_MLFLOW_URL).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "aviary/common/http_fetch.h"
#include "aviary/registry/model_registry.h"

namespace aviary::registry {
namespace {

using Json = nlohmann::json;

class MlflowRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* url = std::getenv("AVIARY_MLFLOW_URL");
    if (!url) GTEST_SKIP() << "AVIARY_MLFLOW_URL unset: run under hack/test.sh (hack/cluster.sh env)";
    baseUrl = url;
    model = "registry-test-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
    post("registered-models/create", Json{{"name", model}});
    post("model-versions/create", Json{{"name", model}, {"source", "s3://models/" + model + "/1"}});
    post("model-versions/create", Json{{"name", model}, {"source", "s3://models/" + model + "/2"}});
    registry = makeMlflowRegistry(baseUrl);
  }

  Json post(const std::string& path, const Json& body) {
    auto r = httpFetch("POST", baseUrl + "/api/2.0/mlflow/" + path, body.dump(), {{"Content-Type", "application/json"}},
                       std::chrono::seconds(10));
    EXPECT_TRUE(r.ok() && r->status == 200) << path << ": " << (r.ok() ? r->body : r.error().message);
    return r.ok() ? Json::parse(r->body, nullptr, false) : Json();
  }

  Json get(const std::string& pathAndQuery) {
    auto r = httpFetch("GET", baseUrl + "/api/2.0/mlflow/" + pathAndQuery, "", {}, std::chrono::seconds(10));
    return r.ok() ? Json::parse(r->body, nullptr, false) : Json();
  }

  std::string baseUrl, model;
  ModelRegistryPtr registry;
};

TEST_F(MlflowRegistryTest, ReadsAModelVersion) {
  auto v = registry->getModelVersion(model, "2");
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->version, "2");
  EXPECT_EQ(v->state, VersionState::Ready);
  EXPECT_EQ(v->source, "s3://models/" + model + "/2");
}

TEST_F(MlflowRegistryTest, MissingVersionIsNotFoundWithMlflowsMessage) {
  auto v = registry->getModelVersion(model, "99");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code, ErrorCode::NotFound);
  EXPECT_NE(v.error().message.find("RESOURCE_DOES_NOT_EXIST"), std::string::npos) << v.error().message;
}

TEST_F(MlflowRegistryTest, TagsAndAliasesAreWrittenAndMoved) {
  ASSERT_TRUE(registry->setVersionTags(model, "2", {{"aviary.approved_by", "alice"}, {"aviary.decision", "approve"}}).ok());
  ASSERT_TRUE(registry->setAlias(model, "challenger", "2").ok());
  ASSERT_TRUE(registry->setAlias(model, "champion", "1").ok());
  ASSERT_TRUE(registry->setAlias(model, "champion", "2").ok()) << "moving an alias";
  ASSERT_TRUE(registry->deleteAlias(model, "challenger").ok());
  ASSERT_TRUE(registry->deleteAlias(model, "challenger").ok()) << "deleting a missing alias is not an error";

  auto v = registry->getModelVersion(model, "2");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->tags["aviary.approved_by"], "alice");
  Json champion = get("registered-models/alias?name=" + model + "&alias=champion");
  EXPECT_EQ(champion["model_version"]["version"], "2");
  Json rm = get("registered-models/get?name=" + model);
  for (const auto& a : rm["registered_model"].value("aliases", Json::array())) EXPECT_NE(a["alias"], "challenger");
}

TEST_F(MlflowRegistryTest, AnUnreachableRegistryIsUnavailable) {
  auto down = makeMlflowRegistry("http://127.0.0.1:9");
  auto v = down->getModelVersion(model, "1");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code, ErrorCode::Unavailable);
  EXPECT_EQ(down->setAlias(model, "champion", "1").error().code, ErrorCode::Unavailable);
}

}  // namespace
}  // namespace aviary::registry
