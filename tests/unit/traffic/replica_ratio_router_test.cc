#include <gtest/gtest.h>

#include "aviary/traffic/router.h"
#include "aviary/workload/objects.h"
#include "unit/traffic/fixtures.h"
#include "mocks/k8s/fake_kube_client.h"
#include "unit/workload/release_fixture.h"

namespace aviary::traffic {
namespace {

using Json = nlohmann::json;

class ReplicaRatioRouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    client_.seed(k8s::resources::kDeployments, workload::buildDeployment(release_, "7", 4));
    client_.seed(k8s::resources::kDeployments, workload::buildDeployment(release_, "8", 0));
    target_ = routeTarget(release_);
    target_.stableVersion = "7";
    target_.canaryVersion = "8";
  }
  int64_t replicas(const std::string& version) {
    return client_.stored(k8s::resources::kDeployments, "ml", "fraud-scorer-" + version)["spec"]["replicas"];
  }

  api::ModelRelease release_ = aviary::testing::fraudScorer();
  aviary::testing::FakeKubeClient client_;
  RouterPtr router_ = std::move(makeRouter(api::RouterKind::ReplicaRatio, client_).value());
  RouteTarget target_;
};

TEST_F(ReplicaRatioRouterTest, ScalesCanaryUpFirstThenStableDown) {
  auto result = router_->setRoutes(target_, {"7", "8", 50});
  ASSERT_TRUE(result) << result.error().describe();
  ASSERT_EQ(result->count(), 2u);
  EXPECT_EQ(result->writes[0].name, "fraud-scorer-8");
  EXPECT_EQ(result->writes[1].name, "fraud-scorer-7");
  EXPECT_EQ(replicas("7"), 2);
  EXPECT_EQ(replicas("8"), 2);
  auto state = router_->getRoutes(target_);
  ASSERT_TRUE(state);
  EXPECT_EQ(state->canaryWeight, 50);

  auto again = router_->setRoutes(target_, {"7", "8", 50});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->count(), 0u);
}

TEST_F(ReplicaRatioRouterTest, RollbackScalesStableUpFirst) {
  ASSERT_TRUE(router_->setRoutes(target_, {"7", "8", 99}));
  auto result = router_->setRoutes(target_, {"7", "8", 0});
  ASSERT_TRUE(result);
  ASSERT_EQ(result->count(), 2u);
  EXPECT_EQ(result->writes[0].name, "fraud-scorer-7");
  EXPECT_EQ(replicas("7"), 4);
  EXPECT_EQ(replicas("8"), 0);
}

TEST_F(ReplicaRatioRouterTest, ReportsTheRealPodShare) {
  ASSERT_TRUE(router_->setRoutes(target_, {"7", "8", 10}));  // 10% of 4 pods is one pod: 25%
  auto state = router_->getRoutes(target_);
  ASSERT_TRUE(state);
  EXPECT_EQ(state->canaryWeight, 25);
  EXPECT_EQ(state->stableWeight, 75);
}

TEST_F(ReplicaRatioRouterTest, NoCanaryScalesStableOnly) {
  auto result = router_->setRoutes(target_, {"7", "", 0});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->count(), 0u);
  target_.canaryVersion.clear();
  EXPECT_EQ(router_->getRoutes(target_)->stableWeight, 100);
}

TEST_F(ReplicaRatioRouterTest, MissingDeploymentIsNotFound) {
  auto result = router_->setRoutes(target_, {"7", "9", 10});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::NotFound);
  EXPECT_EQ(result.error().message, "Deployment ml/fraud-scorer-9 not found");
}

TEST(RouterRegistry, EveryKindHasARouterAndUnknownIsInvalid) {
  aviary::testing::FakeKubeClient client;
  for (auto kind : {api::RouterKind::ReplicaRatio, api::RouterKind::GatewayApi, api::RouterKind::Istio}) {
    auto router = makeRouter(kind, client);
    ASSERT_TRUE(router);
    EXPECT_NE(router->get(), nullptr);
  }
  RouterRegistry empty;
  auto none = empty.make(api::RouterKind::Istio, client);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ErrorCode::InvalidSpec);
}

TEST(RouteTarget, FromTheRelease) {
  api::ModelRelease release = aviary::testing::fraudScorer(api::TrafficRouting{api::GatewayApiRouting{"route"}, {}});
  release.status.stableVersion = "7";
  release.status.canaryVersion = "8";
  RouteTarget target = routeTarget(release);
  EXPECT_EQ(target.release.namespace_, "ml");
  EXPECT_EQ(target.release.uid, "release-uid-1");
  EXPECT_EQ(target.routing.gatewayAPI->httpRoute, "route");
  EXPECT_EQ(target.replicas, 4);
  EXPECT_EQ(target.canaryVersion, "8");
}

}  // namespace
}  // namespace aviary::traffic
