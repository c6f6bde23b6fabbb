#include <gtest/gtest.h>

#include "traffic/istio/istio_router.h"
#include "unit/traffic/fixtures.h"
#include "mocks/k8s/fake_kube_client.h"

namespace aviary::traffic {
namespace {

using Json = nlohmann::json;
using testing::fraudScorerRef;
using testing::loadFixture;

api::IstioRouting routing(std::vector<std::string> routes = {}) { return api::IstioRouting{"fraud-scorer", std::move(routes)}; }

TEST(DesiredVirtualService, FqdnStableGetsAnFqdnCanary) {
  Json live = loadFixture("virtualservice.json");
  auto vs = desiredVirtualService(live, fraudScorerRef(), routing(), TrafficSplit{"7", "8", 10});
  ASSERT_TRUE(vs) << vs.error().describe();
  EXPECT_EQ((*vs)["spec"]["http"][0]["route"], Json::parse(R"([
      {"destination": {"host": "fraud-scorer-stable.ml.svc.cluster.local", "port": {"number": 8080}}, "weight": 90},
      {"destination": {"host": "fraud-scorer-canary.ml.svc.cluster.local", "port": {"number": 8080}}, "weight": 10}])"));
  // Short host names are recognised too, and the subset stays.
  EXPECT_EQ((*vs)["spec"]["http"][2]["route"][0]["weight"], 90);
  EXPECT_EQ((*vs)["spec"]["http"][2]["route"][1]["weight"], 10);
  EXPECT_EQ((*vs)["spec"]["http"][2]["route"][1]["destination"]["subset"], "v1");
  // Matches, retries, mirrors, the other route and metadata are untouched.
  Json expected = live;
  expected["spec"]["http"][0]["route"] = (*vs)["spec"]["http"][0]["route"];
  expected["spec"]["http"][2]["route"] = (*vs)["spec"]["http"][2]["route"];
  EXPECT_EQ(*vs, expected);
}

TEST(DesiredVirtualService, OnlyTheNamedRoutes) {
  Json live = loadFixture("virtualservice.json");
  auto vs = desiredVirtualService(live, fraudScorerRef(), routing({"shadow"}), TrafficSplit{"7", "8", 50});
  ASSERT_TRUE(vs);
  EXPECT_EQ((*vs)["spec"]["http"][0], live["spec"]["http"][0]);
  EXPECT_EQ((*vs)["spec"]["http"][2]["route"][0]["weight"], 50);
}

TEST(DesiredVirtualService, NamedRouteMissingOrUnrelatedIsInvalid) {
  Json live = loadFixture("virtualservice.json");
  auto missing = desiredVirtualService(live, fraudScorerRef(), routing({"primary", "typo"}), TrafficSplit{"7", "8", 50});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::InvalidSpec);
  EXPECT_EQ(missing.error().message, "VirtualService ml/fraud-scorer has no http route named typo");
  auto unrelated = desiredVirtualService(live, fraudScorerRef(), routing({"admin"}), TrafficSplit{"7", "8", 50});
  ASSERT_FALSE(unrelated);
  EXPECT_EQ(unrelated.error().message,
            "VirtualService ml/fraud-scorer has no http route to host fraud-scorer-stable or fraud-scorer-canary");
}

TEST(DesiredVirtualService, HostsOfOtherNamespacesAreNotOurs) {
  Json live = loadFixture("virtualservice.json");
  live["spec"]["http"][0]["route"][0]["destination"]["host"] = "fraud-scorer-stable.prod.svc.cluster.local";
  auto vs = desiredVirtualService(live, fraudScorerRef(), routing({"primary"}), TrafficSplit{"7", "8", 50});
  ASSERT_FALSE(vs);
  EXPECT_EQ(vs.error().code, ErrorCode::InvalidSpec);
}

TEST(VirtualServiceWeights, UnweightedSingleDestinationTakesAll) {
  auto state = virtualServiceWeights(loadFixture("virtualservice.json"), fraudScorerRef(), routing());
  ASSERT_TRUE(state);
  EXPECT_EQ(state->stableWeight, 100);
  EXPECT_EQ(state->canaryWeight, 0);
  auto shadow = virtualServiceWeights(loadFixture("virtualservice.json"), fraudScorerRef(), routing({"shadow"}));
  ASSERT_TRUE(shadow);
  EXPECT_EQ(shadow->canaryWeight, 20);
}

TEST(IstioRouter, WritesOnceThenNothing) {
  aviary::testing::FakeKubeClient client;
  client.seed(k8s::resources::kVirtualServices, loadFixture("virtualservice.json"));
  RouterPtr router = makeIstioRouter(client);
  RouteTarget target;
  target.release = fraudScorerRef();
  target.routing.istio = routing();
  const TrafficSplit split{"7", "8", 40};
  auto first = router->setRoutes(target, split);
  ASSERT_TRUE(first) << first.error().describe();
  EXPECT_EQ(first->count(), 1u);
  auto second = router->setRoutes(target, split);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->count(), 0u);
  auto state = router->getRoutes(target);
  ASSERT_TRUE(state);
  EXPECT_EQ(state->canaryWeight, 40);

  target.routing.istio->virtualService = "gone";
  auto missing = router->setRoutes(target, split);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "VirtualService ml/gone not found");
}

}  // namespace
}  // namespace aviary::traffic
