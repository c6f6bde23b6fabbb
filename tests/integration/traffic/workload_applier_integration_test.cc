// The WorkloadApplier and the replica-ratio router against the real kube-apiserver: server defaulting
// must not make an idle release write.
#include "aviary/traffic/router.h"
#include "aviary/workload/applier.h"
#include "aviary/workload/objects.h"
#include "integration/traffic/kube_test_env.h"

namespace aviary::workload {
namespace {

using Json = nlohmann::json;
namespace resources = k8s::resources;

class WorkloadApplierIntegrationTest : public aviary::testing::KubeTestEnv {
 protected:
  void SetUp() override {
    KubeTestEnv::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    applier_ = makeKubeWorkloadApplier(*counting_);
  }

  WorkloadApplierPtr applier_;
};

TEST_F(WorkloadApplierIntegrationTest, DeploymentCreateIdleUpdateScaleDelete) {
  auto created = applier_->ensureDeployment(release_, "7", 2, std::string("models:/fraud-scorer/7"));
  ASSERT_TRUE(created) << created.error().describe();
  ASSERT_EQ(created->count(), 1u);
  Json live = read(resources::kDeployments, "fraud-scorer-7");
  EXPECT_EQ(live["metadata"]["ownerReferences"][0]["uid"], release_.metadata.uid);
  // The Deployment controller writes status right after: only our own write's version is known.
  EXPECT_FALSE(created->writes[0].resourceVersion.empty());

  const int writesBefore = counting_->writes;
  auto idle = applier_->ensureDeployment(release_, "7", 2, std::string("models:/fraud-scorer/7"));
  ASSERT_TRUE(idle) << idle.error().describe();
  EXPECT_EQ(idle->count(), 0u);
  EXPECT_EQ(counting_->writes, writesBefore);

  // Someone else's annotation survives a template change.
  ASSERT_TRUE(client_->patch(resources::kDeployments, ns_, "fraud-scorer-7", k8s::PatchType::Merge,
                             {{"metadata", {{"annotations", {{"other/owner", "kept"}}}}}}));
  release_.spec.template_["spec"]["containers"][0]["image"] = "scorer:1.5";
  auto updated = applier_->ensureDeployment(release_, "7", 2, std::string("models:/fraud-scorer/7"));
  ASSERT_TRUE(updated) << updated.error().describe();
  EXPECT_EQ(updated->count(), 1u);
  live = read(resources::kDeployments, "fraud-scorer-7");
  EXPECT_EQ(live["spec"]["template"]["spec"]["containers"][0]["image"], "scorer:1.5");
  EXPECT_EQ(live["metadata"]["annotations"]["other/owner"], "kept");
  auto idleAgain = applier_->ensureDeployment(release_, "7", 2, std::string("models:/fraud-scorer/7"));
  ASSERT_TRUE(idleAgain);
  EXPECT_EQ(idleAgain->count(), 0u);

  auto scaled = applier_->scaleDeployment(releaseRef(release_), "7", 5);
  ASSERT_TRUE(scaled) << scaled.error().describe();
  EXPECT_EQ(scaled->count(), 1u);
  EXPECT_EQ(read(resources::kDeployments, "fraud-scorer-7")["spec"]["replicas"], 5);
  EXPECT_EQ(applier_->scaleDeployment(releaseRef(release_), "7", 5)->count(), 0u);

  auto deleted = applier_->deleteDeployment(releaseRef(release_), "7");
  ASSERT_TRUE(deleted) << deleted.error().describe();
  EXPECT_EQ(deleted->count(), 1u);
  auto gone = applier_->deleteDeployment(releaseRef(release_), "7");
  ASSERT_TRUE(gone) << gone.error().describe();
  EXPECT_EQ(gone->count(), 0u);
}

TEST_F(WorkloadApplierIntegrationTest, ServicesCreateIdleSwitchKeepClusterIp) {
  auto created = applier_->ensureServices(release_, "7", "");
  ASSERT_TRUE(created) << created.error().describe();
  EXPECT_EQ(created->count(), 3u);
  const std::string clusterIp = read(resources::kServices, "fraud-scorer-canary")["spec"]["clusterIP"];
  EXPECT_FALSE(clusterIp.empty());

  const int writesBefore = counting_->writes;
  auto idle = applier_->ensureServices(release_, "7", "");
  ASSERT_TRUE(idle) << idle.error().describe();
  EXPECT_EQ(idle->count(), 0u);
  EXPECT_EQ(counting_->writes, writesBefore);

  auto switched = applier_->ensureServices(release_, "7", "8");
  ASSERT_TRUE(switched) << switched.error().describe();
  ASSERT_EQ(switched->count(), 1u);
  Json canary = read(resources::kServices, "fraud-scorer-canary");
  EXPECT_EQ(canary["spec"]["selector"]["aviary.dev/model-version"], "8");
  EXPECT_EQ(canary["spec"]["clusterIP"], clusterIp);
}

TEST_F(WorkloadApplierIntegrationTest, ReplicaRatioRouterScalesBothVersions) {
  release_.spec.replicas = 4;
  ASSERT_TRUE(applier_->ensureDeployment(release_, "7", 4));
  ASSERT_TRUE(applier_->ensureDeployment(release_, "8", 0));
  auto router = traffic::makeRouter(api::RouterKind::ReplicaRatio, *counting_);
  ASSERT_TRUE(router);
  traffic::RouteTarget target = traffic::routeTarget(release_);
  target.stableVersion = "7";
  target.canaryVersion = "8";

  auto set = (*router)->setRoutes(target, {"7", "8", 50});
  ASSERT_TRUE(set) << set.error().describe();
  EXPECT_EQ(set->count(), 2u);
  EXPECT_EQ(read(resources::kDeployments, "fraud-scorer-7")["spec"]["replicas"], 2);
  EXPECT_EQ(read(resources::kDeployments, "fraud-scorer-8")["spec"]["replicas"], 2);
  auto state = (*router)->getRoutes(target);
  ASSERT_TRUE(state) << state.error().describe();
  EXPECT_EQ(state->canaryWeight, 50);
  EXPECT_EQ((*router)->setRoutes(target, {"7", "8", 50})->count(), 0u);
}

}  // namespace
}  // namespace aviary::workload
