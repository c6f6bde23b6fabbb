#include <gtest/gtest.h>

#include "traffic/gateway_api/gateway_api_router.h"
#include "unit/traffic/fixtures.h"
#include "mocks/k8s/fake_kube_client.h"

namespace aviary::traffic {
namespace {

using Json = nlohmann::json;
using testing::fraudScorerRef;
using testing::loadFixture;
namespace resources = k8s::resources;

TEST(DesiredHttpRoute, SetsWeightsOnEveryRuleThatReferencesTheRelease) {
  Json live = loadFixture("httproute_wired.json");
  auto route = desiredHttpRoute(live, fraudScorerRef(), TrafficSplit{"7", "8", 30});
  ASSERT_TRUE(route) << route.error().describe();
  const Json& rules = (*route)["spec"]["rules"];
  // Rule 0 had only the canary: the stable backendRef is added next to it.
  EXPECT_EQ(rules[0]["backendRefs"], Json::parse(R"([{"name": "fraud-scorer-canary", "port": 8080, "weight": 30},
                                                      {"name": "fraud-scorer-stable", "port": 8080, "weight": 70}])"));
  EXPECT_EQ(rules[1]["backendRefs"][0]["weight"], 70);
  EXPECT_EQ(rules[1]["backendRefs"][1]["weight"], 30);
  EXPECT_EQ(rules[1]["backendRefs"][2]["weight"], 5);  // same name, another namespace: not ours
  EXPECT_EQ(rules[0]["matches"], live["spec"]["rules"][0]["matches"]);
  EXPECT_EQ(rules[2], live["spec"]["rules"][2]);
}

TEST(DesiredHttpRoute, WiresTheCanaryIntoARuleWithOnlyStable) {
  Json live = loadFixture("httproute_unwired.json");
  auto route = desiredHttpRoute(live, fraudScorerRef(), TrafficSplit{"7", "8", 10});
  ASSERT_TRUE(route);
  const Json& rule = (*route)["spec"]["rules"][0];
  EXPECT_EQ(rule["backendRefs"], Json::parse(R"([{"name": "fraud-scorer-stable", "port": 8080, "weight": 90},
                                                 {"name": "fraud-scorer-canary", "port": 8080, "weight": 10}])"));
  // Everything the user wrote besides the weights stays as it was.
  Json expected = live;
  expected["spec"]["rules"][0]["backendRefs"] = rule["backendRefs"];
  EXPECT_EQ(*route, expected);
}

TEST(DesiredHttpRoute, UnchangedWhenWeightsAlreadyMatch) {
  Json live = loadFixture("httproute_unwired.json");
  Json once = *desiredHttpRoute(live, fraudScorerRef(), TrafficSplit{"7", "8", 50});
  EXPECT_EQ(*desiredHttpRoute(once, fraudScorerRef(), TrafficSplit{"7", "8", 50}), once);
}

TEST(DesiredHttpRoute, RouteWithoutTheReleaseIsInvalid) {
  Json live = loadFixture("httproute_unwired.json");
  live["spec"]["rules"].erase(0);
  auto route = desiredHttpRoute(live, fraudScorerRef(), TrafficSplit{"7", "8", 10});
  ASSERT_FALSE(route);
  EXPECT_EQ(route.error().code, ErrorCode::InvalidSpec);
  EXPECT_EQ(route.error().message,
            "HTTPRoute ml/fraud-scorer has no rule with a backendRef to Service fraud-scorer-stable or fraud-scorer-canary");
}

TEST(HttpRouteWeights, ReadsTheFirstReferencingRule) {
  auto unwired = httpRouteWeights(loadFixture("httproute_unwired.json"), fraudScorerRef());
  ASSERT_TRUE(unwired);
  EXPECT_EQ(unwired->stableWeight, 100);
  EXPECT_EQ(unwired->canaryWeight, 0);
  Json wired = loadFixture("httproute_wired.json");
  wired["spec"]["rules"].erase(0);
  auto state = httpRouteWeights(wired, fraudScorerRef());
  ASSERT_TRUE(state);
  EXPECT_EQ(state->stableWeight, 90);
  EXPECT_EQ(state->canaryWeight, 10);
}

class GatewayApiRouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    client_.seed(resources::kHttpRoutes, loadFixture("httproute_unwired.json"));
    target_.release = fraudScorerRef();
    target_.routing.gatewayAPI = api::GatewayApiRouting{"fraud-scorer"};
  }
  const Json& live() { return client_.stored(resources::kHttpRoutes, "ml", "fraud-scorer"); }

  aviary::testing::FakeKubeClient client_;
  RouterPtr router_ = makeGatewayApiRouter(client_);
  RouteTarget target_;
  TrafficSplit split_{"7", "8", 25};
};

TEST_F(GatewayApiRouterTest, WritesOnceThenNothing) {
  auto first = router_->setRoutes(target_, split_);
  ASSERT_TRUE(first) << first.error().describe();
  ASSERT_EQ(first->count(), 1u);
  EXPECT_EQ(first->writes[0].kind, "HTTPRoute");
  EXPECT_EQ(first->writes[0].resourceVersion, live()["metadata"]["resourceVersion"]);
  auto second = router_->setRoutes(target_, split_);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->count(), 0u);
  EXPECT_EQ(client_.writes, 1);

  auto state = router_->getRoutes(target_);
  ASSERT_TRUE(state);
  EXPECT_EQ(state->canaryWeight, 25);
  EXPECT_EQ(state->stableWeight, 75);
}

TEST_F(GatewayApiRouterTest, MissingRouteIsNotFoundNamingIt) {
  target_.routing.gatewayAPI->httpRoute = "nope";
  for (auto error : {router_->setRoutes(target_, split_).error(), router_->getRoutes(target_).error()}) {
    EXPECT_EQ(error.code, ErrorCode::NotFound);
    EXPECT_EQ(error.message, "HTTPRoute ml/nope not found");
  }
}

TEST_F(GatewayApiRouterTest, ConflictRereadsAndKeepsTheOtherWritersChange) {
  client_.beforeNextUpdate = [&] {
    client_.mutate(resources::kHttpRoutes, "ml", "fraud-scorer",
                   [](Json& r) { r["metadata"]["annotations"]["other-controller/seen"] = "yes"; });
  };
  auto result = router_->setRoutes(target_, split_);
  ASSERT_TRUE(result) << result.error().describe();
  EXPECT_EQ(result->count(), 1u);
  EXPECT_EQ(live()["metadata"]["annotations"]["other-controller/seen"], "yes");
  EXPECT_EQ(live()["spec"]["rules"][0]["backendRefs"][1]["weight"], 25);
}

TEST_F(GatewayApiRouterTest, GivesUpAfterASecondConflict) {
  std::function<void()> interfere = [&] {
    client_.mutate(resources::kHttpRoutes, "ml", "fraud-scorer", [](Json& r) { r["metadata"]["labels"]["n"] = "x"; });
    client_.beforeNextUpdate = interfere;
  };
  client_.beforeNextUpdate = interfere;
  auto result = router_->setRoutes(target_, split_);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::Conflict);
  EXPECT_EQ(client_.writes, 0);
}

TEST_F(GatewayApiRouterTest, RejectsAnImpossibleSplit) {
  for (const TrafficSplit& bad : {TrafficSplit{"7", "8", 101}, TrafficSplit{"7", "8", -1}, TrafficSplit{"7", "", 10}}) {
    auto result = router_->setRoutes(target_, bad);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, ErrorCode::InvalidSpec);
  }
  EXPECT_EQ(client_.writes, 0);
}

}  // namespace
}  // namespace aviary::traffic
