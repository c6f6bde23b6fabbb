#include <gtest/gtest.h>

#include "aviary/workload/objects.h"
#include "unit/workload/release_fixture.h"

namespace aviary::workload {
namespace {

using testing::fraudScorer;

Json envOf(const Json& container) {
  Json byName = Json::object();
  for (const auto& var : container["env"]) byName[var["name"].get<std::string>()] = var["value"];
  return byName;
}

TEST(BuildDeployment, NamesLabelsAndSelector) {
  Json d = buildDeployment(fraudScorer(), "7", 3);
  EXPECT_EQ(d["apiVersion"], "apps/v1");
  EXPECT_EQ(d["metadata"]["name"], "fraud-scorer-7");
  EXPECT_EQ(d["metadata"]["namespace"], "ml");
  EXPECT_EQ(d["spec"]["replicas"], 3);
  const Json labels = {{"aviary.dev/release", "fraud-scorer"}, {"aviary.dev/model-version", "7"}};
  EXPECT_EQ(d["metadata"]["labels"], labels);
  EXPECT_EQ(d["spec"]["selector"]["matchLabels"], labels);
  const Json& podLabels = d["spec"]["template"]["metadata"]["labels"];
  EXPECT_EQ(podLabels["team"], "risk");                     // the user's label is kept
  EXPECT_EQ(podLabels["aviary.dev/model-version"], "7");    // ours wins: the selector needs it
  EXPECT_EQ(d["spec"]["template"]["metadata"]["annotations"]["prometheus.io/scrape"], "true");
  EXPECT_EQ(d["spec"]["template"]["spec"]["nodeSelector"]["pool"], "cpu");
}

TEST(BuildDeployment, OwnerReferenceMakesTheReleaseTheController) {
  Json ref = buildDeployment(fraudScorer(), "7", 1)["metadata"]["ownerReferences"][0];
  EXPECT_EQ(ref, Json::parse(R"({"apiVersion": "aviary.dev/v1alpha1", "kind": "ModelRelease",
      "name": "fraud-scorer", "uid": "release-uid-1", "controller": true, "blockOwnerDeletion": true})"));
}

TEST(BuildDeployment, ModelEnvOnEveryContainerOverridingTheUsers) {
  Json spec = buildDeployment(fraudScorer(), "8", 1, std::string("models:/fraud-scorer/8"))["spec"]["template"]["spec"];
  for (const Json* c : {&spec["containers"][0], &spec["containers"][1], &spec["initContainers"][0]}) {
    Json env = envOf(*c);
    EXPECT_EQ(env["MODEL_NAME"], "fraud-scorer");
    EXPECT_EQ(env["MODEL_VERSION"], "8");
    EXPECT_EQ(env["MODEL_URI"], "models:/fraud-scorer/8");
  }
  const Json& serverEnv = spec["containers"][0]["env"];
  EXPECT_EQ(serverEnv.size(), 4u);  // the stale MODEL_VERSION is replaced, LOG_LEVEL kept
  EXPECT_EQ(envOf(spec["containers"][0])["LOG_LEVEL"], "info");
  EXPECT_EQ(serverEnv[0]["name"], "MODEL_NAME");  // first, so user vars may refer to $(MODEL_NAME)
}

TEST(BuildDeployment, NoUriNoUriVariable) {
  Json container = buildDeployment(fraudScorer(), "8", 1)["spec"]["template"]["spec"]["containers"][1];
  EXPECT_FALSE(envOf(container).contains("MODEL_URI"));
}

TEST(BuildDeployment, SpecHashIgnoresReplicasButFollowsTheTemplate) {
  auto hash = [](const Json& d) { return d["metadata"]["annotations"][kSpecHashAnnotation].get<std::string>(); };
  api::ModelRelease release = fraudScorer();
  const std::string base = hash(buildDeployment(release, "7", 1));
  EXPECT_EQ(base.size(), 16u);
  EXPECT_EQ(hash(buildDeployment(release, "7", 9)), base);
  EXPECT_NE(hash(buildDeployment(release, "8", 1)), base);
  EXPECT_NE(hash(buildDeployment(release, "7", 1, std::string("s3://m"))), base);
  release.spec.template_["spec"]["containers"][0]["image"] = "scorer:1.5";
  EXPECT_NE(hash(buildDeployment(release, "7", 1)), base);
}

TEST(BuildDeployment, EmptyTemplateStillSelectsItsPods) {
  api::ModelRelease release = fraudScorer();
  release.spec.template_ = nullptr;
  Json d = buildDeployment(release, "7", 1);
  EXPECT_EQ(d["spec"]["template"]["metadata"]["labels"]["aviary.dev/release"], "fraud-scorer");
}

TEST(BuildServices, StableAndCanarySelectTheirVersion) {
  api::ModelRelease release = fraudScorer(api::TrafficRouting{api::GatewayApiRouting{"fraud-scorer"}, {}});
  release.spec.service.targetPort = 9000;
  ServiceSet s = buildServices(release, "7", "8");
  EXPECT_EQ(s.stable["metadata"]["name"], "fraud-scorer-stable");
  EXPECT_EQ(s.canary["metadata"]["name"], "fraud-scorer-canary");
  EXPECT_EQ(s.root["metadata"]["name"], "fraud-scorer");
  EXPECT_EQ(s.stable["spec"]["selector"]["aviary.dev/model-version"], "7");
  EXPECT_EQ(s.canary["spec"]["selector"]["aviary.dev/model-version"], "8");
  EXPECT_EQ(s.root["spec"]["selector"]["aviary.dev/model-version"], "7");
  EXPECT_EQ(s.stable["spec"]["ports"], Json::parse(R"([{"name":"http","protocol":"TCP","port":8080,"targetPort":9000}])"));
  EXPECT_EQ(s.root["metadata"]["ownerReferences"][0]["uid"], "release-uid-1");
  EXPECT_FALSE(s.root["spec"].contains("clusterIP"));
}

TEST(BuildServices, ReplicaRatioRootSelectsEveryVersion) {
  ServiceSet s = buildServices(fraudScorer(), "7", "8");
  EXPECT_EQ(s.root["spec"]["selector"], Json({{"aviary.dev/release", "fraud-scorer"}}));
}

TEST(BuildServices, BlueGreenRootSelectsTheActiveVersion) {
  api::ModelRelease release = fraudScorer();
  release.spec.strategy.canary.reset();
  release.spec.strategy.blueGreen = api::BlueGreenStrategy{};
  EXPECT_EQ(buildServices(release, "7", "8").root["spec"]["selector"]["aviary.dev/model-version"], "7");
}

TEST(BuildServices, NoCanaryPointsTheCanaryServiceAtStable) {
  ServiceSet s = buildServices(fraudScorer(), "7", "");
  EXPECT_EQ(s.canary["spec"]["selector"]["aviary.dev/model-version"], "7");
}

}  // namespace
}  // namespace aviary::workload
