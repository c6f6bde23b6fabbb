#include <gtest/gtest.h>

#include <functional>
#include <vector>

#include "aviary/workload/objects.h"
#include "unit/workload/release_fixture.h"
#include "workload/object_diff.h"

namespace aviary::workload {
namespace {

using testing::fraudScorer;

TEST(CreateMergePatch, AddsChangesAndRemoves) {
  Json from = Json::parse(R"({"a": 1, "b": {"c": 2, "d": 3}, "e": [1, 2], "gone": true})");
  Json to = Json::parse(R"({"a": 1, "b": {"c": 5, "d": 3}, "e": [1], "new": "x"})");
  Json patch = createMergePatch(from, to);
  EXPECT_EQ(patch, Json::parse(R"({"b": {"c": 5}, "e": [1], "gone": null, "new": "x"})"));
  from.merge_patch(patch);
  EXPECT_EQ(from, to);
  EXPECT_EQ(createMergePatch(to, to), Json::object());
}

TEST(DeploymentPatch, NoneWhenHashReplicasAndOwnerMatch) {
  Json desired = buildDeployment(fraudScorer(), "7", 4);
  Json live = desired;
  live["metadata"]["annotations"]["deployment.kubernetes.io/revision"] = "3";  // another controller's
  live["spec"]["template"]["spec"]["dnsPolicy"] = "ClusterFirst";            // server default
  live["status"] = {{"readyReplicas", 4}};
  EXPECT_FALSE(deploymentPatch(live, desired));
}

TEST(DeploymentPatch, ReplicasOnly) {
  Json live = buildDeployment(fraudScorer(), "7", 4);
  auto patch = deploymentPatch(live, buildDeployment(fraudScorer(), "7", 2));
  ASSERT_TRUE(patch);
  EXPECT_EQ(*patch, Json::parse(R"({"spec": {"replicas": 2}})"));
}

TEST(DeploymentPatch, TemplateChangeKeepsOtherToolsAnnotations) {
  api::ModelRelease release = fraudScorer();
  Json live = buildDeployment(release, "7", 4);
  live["spec"]["template"]["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"] = "now";
  live["spec"]["template"]["spec"]["dnsPolicy"] = "ClusterFirst";
  release.spec.template_["spec"]["containers"][0]["image"] = "scorer:1.5";
  release.spec.template_["spec"].erase("nodeSelector");
  Json desired = buildDeployment(release, "7", 4);

  auto patch = deploymentPatch(live, desired);
  ASSERT_TRUE(patch);
  EXPECT_EQ((*patch)["metadata"]["annotations"][kSpecHashAnnotation], desired["metadata"]["annotations"][kSpecHashAnnotation]);
  EXPECT_FALSE((*patch)["spec"].contains("replicas"));
  EXPECT_FALSE((*patch)["spec"].contains("selector"));
  Json patched = live;
  patched.merge_patch(*patch);
  EXPECT_EQ(patched["spec"]["template"]["spec"]["containers"][0]["image"], "scorer:1.5");
  EXPECT_FALSE(patched["spec"]["template"]["spec"].contains("nodeSelector"));  // removed by the user: removed
  EXPECT_EQ(patched["spec"]["template"]["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"], "now");
  EXPECT_FALSE(deploymentPatch(patched, desired));
}

TEST(DeploymentPatch, AdoptsAnOrphanKeepingOtherOwners) {
  Json desired = buildDeployment(fraudScorer(), "7", 4);
  Json live = desired;
  live["metadata"]["ownerReferences"] = Json::parse(R"([{"apiVersion": "v1", "kind": "ConfigMap", "name": "x", "uid": "u"}])");
  auto patch = deploymentPatch(live, desired);
  ASSERT_TRUE(patch);
  const Json& refs = (*patch)["metadata"]["ownerReferences"];
  ASSERT_EQ(refs.size(), 2u);
  EXPECT_EQ(refs[0]["kind"], "ConfigMap");
  EXPECT_EQ(refs[1]["uid"], "release-uid-1");
}

TEST(ServicePatch, NoneWhenServerFieldsAreTheOnlyDifference) {
  Json desired = buildServices(fraudScorer(), "7", "8").stable;
  Json live = desired;
  live["spec"]["clusterIP"] = "10.0.0.12";
  live["spec"]["type"] = "ClusterIP";
  live["metadata"]["labels"]["owner-team"] = "risk";
  EXPECT_FALSE(servicePatch(live, desired));
}

TEST(ServicePatch, SelectorAndPortsNeverClusterIp) {
  Json live = buildServices(fraudScorer(), "7", "8").canary;
  live["spec"]["clusterIP"] = "10.0.0.12";
  live["spec"]["selector"]["stale"] = "x";
  api::ModelRelease release = fraudScorer();
  release.spec.service.port = 9090;
  Json desired = buildServices(release, "7", "9").canary;
  auto patch = servicePatch(live, desired);
  ASSERT_TRUE(patch);
  EXPECT_FALSE((*patch)["spec"].contains("clusterIP"));
  EXPECT_EQ((*patch)["spec"]["selector"], Json::parse(R"({"aviary.dev/model-version": "9", "stale": null})"));
  EXPECT_EQ((*patch)["spec"]["ports"][0]["port"], 9090);
  live.merge_patch(*patch);
  EXPECT_FALSE(servicePatch(live, desired));
}

// What kube-apiserver does to a pod template it stores: defaults beside aviary's fields, canonical
// quantities, empty values left out.
Json serverDefaulted(Json deployment) {
  Json& spec = deployment["spec"]["template"]["spec"];
  spec["dnsPolicy"] = "ClusterFirst";
  spec["restartPolicy"] = "Always";
  spec["securityContext"] = Json::object();
  deployment["spec"]["template"]["metadata"]["creationTimestamp"] = nullptr;
  for (auto& container : spec["containers"]) {
    container["imagePullPolicy"] = "IfNotPresent";
    container["terminationMessagePath"] = "/dev/termination-log";
    if (container.contains("resources")) container["resources"]["limits"]["cpu"] = "500m";
    container.erase("args");
  }
  return deployment;
}

api::ModelRelease withResourcesAndEmptyArgs() {
  api::ModelRelease release = fraudScorer();
  release.spec.template_["spec"]["containers"][0]["resources"] = {{"limits", {{"cpu", "0.5"}, {"memory", "1Gi"}}}};
  release.spec.template_["spec"]["containers"][0]["args"] = Json::array();
  return release;
}

TEST(DeploymentPatch, ServerDefaultsAndCanonicalQuantitiesAreNotDrift) {
  Json desired = buildDeployment(withResourcesAndEmptyArgs(), "7", 4);
  EXPECT_FALSE(deploymentPatch(serverDefaulted(desired), desired));
  EXPECT_TRUE(deploymentMatches(serverDefaulted(desired), desired));
}

TEST(DeploymentPatch, HandEditedTemplateIsPutBackThoughTheHashIsUnchanged) {
  Json desired = buildDeployment(withResourcesAndEmptyArgs(), "7", 4);
  for (const auto& edit : std::vector<std::function<void(Json&)>>{
           [](Json& c) { c["image"] = "scorer:evil"; },
           [](Json& c) { c["env"].erase(1); },  // MODEL_VERSION
           [](Json& c) { c["resources"]["limits"]["memory"] = "2Gi"; },
       }) {
    Json live = serverDefaulted(desired);
    edit(live["spec"]["template"]["spec"]["containers"][0]);
    auto patch = deploymentPatch(live, desired);
    ASSERT_TRUE(patch) << live.dump();
    EXPECT_FALSE(deploymentMatches(live, desired));
    EXPECT_FALSE((*patch)["spec"].contains("replicas"));
    live.merge_patch(*patch);
    EXPECT_FALSE(deploymentPatch(live, desired)) << live.dump();
  }
}

TEST(DeploymentPatch, ARemovedSidecarIsDrift) {
  Json desired = buildDeployment(fraudScorer(), "7", 4);
  Json live = serverDefaulted(desired);
  live["spec"]["template"]["spec"]["containers"].erase(1);
  EXPECT_FALSE(deploymentMatches(live, desired));
}

TEST(ServiceMatches, DeletedSelectorKeyOrPortIsDrift) {
  Json desired = buildServices(fraudScorer(), "7", "8").stable;
  Json live = desired;
  live["spec"]["clusterIP"] = "10.0.0.12";
  EXPECT_TRUE(serviceMatches(live, desired));
  Json edited = live;
  edited["spec"]["selector"]["aviary.dev/model-version"] = "8";
  EXPECT_FALSE(serviceMatches(edited, desired));
  edited = live;
  edited["spec"]["ports"][0]["targetPort"] = 9999;
  EXPECT_FALSE(serviceMatches(edited, desired));
}

}  // namespace
}  // namespace aviary::workload
