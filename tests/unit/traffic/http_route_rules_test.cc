// The canary's mirror filter and header rules on an HTTPRoute (traffic/gateway_api/http_route_rules.h),
// through the Gateway API router's pure functions and its read-compare-write.

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

api::HeaderRoute testers() {
  api::HeaderMatch cohort;
  cohort.header = "x-cohort";
  cohort.exact = "testers";
  api::HeaderMatch build;
  build.header = "x-build";
  build.prefix = "nightly.";
  return api::HeaderRoute{"testers", {cohort, build}};
}

TrafficSplit shadow(int32_t mirror, std::vector<api::HeaderRoute> routes = {}) {
  return TrafficSplit{"7", "8", 0, mirror, std::move(routes)};
}

TEST(HttpRouteRules, FullMirrorIsARequestMirrorFilterWithoutPercent) {
  Json live = loadFixture("httproute_unwired.json");
  auto route = desiredHttpRoute(live, fraudScorerRef(), shadow(100));
  ASSERT_TRUE(route) << route.error().describe();
  const Json& rules = (*route)["spec"]["rules"];
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0], Json::parse(R"({
      "matches": [{"path": {"type": "PathPrefix", "value": "/score"}}],
      "filters": [
        {"type": "RequestHeaderModifier", "requestHeaderModifier": {"set": [{"name": "x-route", "value": "score"}]}},
        {"type": "RequestMirror", "requestMirror": {"backendRef": {"group": "", "kind": "Service", "name": "fraud-scorer-canary", "port": 8080}}}
      ],
      "backendRefs": [{"name": "fraud-scorer-stable", "port": 8080, "weight": 100},
                      {"name": "fraud-scorer-canary", "port": 8080, "weight": 0}],
      "timeouts": {"request": "2s"}
    })"));
  EXPECT_EQ(rules[1].dump(), live["spec"]["rules"][1].dump());  // not the release's: byte-equal
}

TEST(HttpRouteRules, PartialMirrorCarriesPercent) {
  auto route = desiredHttpRoute(loadFixture("httproute_unwired.json"), fraudScorerRef(), shadow(30));
  ASSERT_TRUE(route);
  EXPECT_EQ((*route)["spec"]["rules"][0]["filters"][1]["requestMirror"]["percent"], 30);
}

TEST(HttpRouteRules, HeaderRouteIsARulePlacedBeforeTheWeightedRule) {
  Json live = loadFixture("httproute_unwired.json");
  auto route = desiredHttpRoute(live, fraudScorerRef(), TrafficSplit{"7", "8", 20, 0, {testers()}});
  ASSERT_TRUE(route) << route.error().describe();
  const Json& rules = (*route)["spec"]["rules"];
  ASSERT_EQ(rules.size(), 3u);
  EXPECT_EQ(rules[0], Json::parse(R"({
      "matches": [{"path": {"type": "PathPrefix", "value": "/score"},
                   "headers": [{"type": "Exact", "name": "x-cohort", "value": "testers"},
                               {"type": "RegularExpression", "name": "x-build", "value": "^nightly\\..*"}]}],
      "filters": [{"type": "RequestHeaderModifier", "requestHeaderModifier": {"set": [
                     {"name": "x-route", "value": "score"}, {"name": "x-aviary-route", "value": "testers"}]}}],
      "backendRefs": [{"name": "fraud-scorer-canary", "port": 8080, "weight": 1}],
      "timeouts": {"request": "2s"}
    })"));
  EXPECT_EQ(rules[1]["backendRefs"][1]["weight"], 20);  // the weighted rule follows, weights as asked
  EXPECT_FALSE(rules[1]["filters"].size() > 1);         // no mirror asked: none written
  EXPECT_EQ(rules[2].dump(), live["spec"]["rules"][1].dump());

  auto state = httpRouteWeights(*route, fraudScorerRef());
  ASSERT_TRUE(state);
  EXPECT_EQ(state->canaryWeight, 20);  // the header rule's weight is not the split
  EXPECT_EQ(state->mirrorPercent, 0);
  ASSERT_EQ(state->headerMatches.size(), 1u);
  ASSERT_EQ(state->headerMatches[0].size(), 2u);
  EXPECT_EQ(state->headerMatches[0][0].exact, "testers");
  EXPECT_EQ(state->headerMatches[0][1].regex, "^nightly\\..*");
}

TEST(HttpRouteRules, SettledRouteIsLeftAsItIs) {
  Json live = loadFixture("httproute_unwired.json");
  const TrafficSplit split{"7", "8", 0, 50, {testers()}};
  Json once = *desiredHttpRoute(live, fraudScorerRef(), split);
  EXPECT_EQ(*desiredHttpRoute(once, fraudScorerRef(), split), once);
  auto state = httpRouteWeights(once, fraudScorerRef());
  ASSERT_TRUE(state);
  EXPECT_EQ(state->mirrorPercent, 50);
  EXPECT_EQ(state->headerMatches.size(), 1u);
}

TEST(HttpRouteRules, NoCanaryRemovesEveryMirrorAndHeaderRule) {
  Json live = loadFixture("httproute_unwired.json");
  Json shadowed = *desiredHttpRoute(live, fraudScorerRef(), TrafficSplit{"7", "8", 0, 100, {testers()}});
  Json back = *desiredHttpRoute(shadowed, fraudScorerRef(), TrafficSplit{"7", "", 0});
  EXPECT_EQ(back, *desiredHttpRoute(live, fraudScorerRef(), TrafficSplit{"7", "", 0}));
  EXPECT_EQ(back["spec"]["rules"].size(), 2u);
  EXPECT_EQ(back["spec"]["rules"][0]["filters"].size(), 1u);  // the user's own filter stays
}

TEST(HttpRouteRules, RemovingOneHeaderRouteKeepsTheOther) {
  api::HeaderRoute other{"beta", {api::HeaderMatch{"x-beta", std::string("1"), std::nullopt, std::nullopt}}};
  Json live = loadFixture("httproute_unwired.json");
  Json both = *desiredHttpRoute(live, fraudScorerRef(), TrafficSplit{"7", "8", 10, 0, {testers(), other}});
  ASSERT_EQ(both["spec"]["rules"].size(), 4u);
  Json one = *desiredHttpRoute(both, fraudScorerRef(), TrafficSplit{"7", "8", 10, 0, {other}});
  ASSERT_EQ(one["spec"]["rules"].size(), 3u);
  EXPECT_EQ(one["spec"]["rules"][0], both["spec"]["rules"][1]);
}

TEST(HttpRouteRules, RouterWritesOnceThenNothingAndReportsWhatItWrote) {
  aviary::testing::FakeKubeClient client;
  client.seed(resources::kHttpRoutes, loadFixture("httproute_unwired.json"));
  RouterPtr router = makeGatewayApiRouter(client);
  RouteTarget target;
  target.release = fraudScorerRef();
  target.routing.gatewayAPI = api::GatewayApiRouting{"fraud-scorer"};
  const TrafficSplit split{"7", "8", 0, 100, {testers()}};
  auto first = router->setRoutes(target, split);
  ASSERT_TRUE(first) << first.error().describe();
  EXPECT_EQ(first->count(), 1u);
  auto second = router->setRoutes(target, split);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->count(), 0u);
  EXPECT_EQ(client.writes, 1);
  auto state = router->getRoutes(target);
  ASSERT_TRUE(state);
  EXPECT_EQ(state->canaryWeight, 0);
  EXPECT_EQ(state->mirrorPercent, 100);
  EXPECT_EQ(state->headerMatches.size(), 1u);
}

// A Gateway API CRD older than v1.2 prunes requestMirror.percent, which would mirror every request.
TEST(HttpRouteRules, PartialMirrorOnACrdWithoutPercentIsTakenOffAndRejected) {
  aviary::testing::FakeKubeClient client;
  client.seed(resources::kHttpRoutes, loadFixture("httproute_unwired.json"));
  client.pruner = [](Json& route) {
    for (Json& rule : route["spec"]["rules"]) {
      if (!rule.contains("filters")) continue;
      for (Json& filter : rule["filters"]) {
        if (filter.contains("requestMirror")) filter["requestMirror"].erase("percent");
      }
    }
  };
  RouterPtr router = makeGatewayApiRouter(client);
  RouteTarget target;
  target.release = fraudScorerRef();
  target.routing.gatewayAPI = api::GatewayApiRouting{"fraud-scorer"};
  auto result = router->setRoutes(target, shadow(30));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::InvalidSpec);
  EXPECT_NE(result.error().message.find("mirroring 30% of requests needs requestMirror.percent"), std::string::npos)
      << result.error().message;
  auto state = router->getRoutes(target);
  ASSERT_TRUE(state);
  EXPECT_EQ(state->mirrorPercent, 0);  // never left mirroring everything
  // A full mirror needs no percent: it is written and kept.
  auto full = router->setRoutes(target, shadow(100));
  ASSERT_TRUE(full) << full.error().describe();
  EXPECT_EQ(router->getRoutes(target)->mirrorPercent, 100);
}

TEST(HttpRouteRules, MirrorOrHeaderRouteWithoutCanaryIsRejected) {
  aviary::testing::FakeKubeClient client;
  client.seed(resources::kHttpRoutes, loadFixture("httproute_unwired.json"));
  RouterPtr router = makeGatewayApiRouter(client);
  RouteTarget target;
  target.release = fraudScorerRef();
  target.routing.gatewayAPI = api::GatewayApiRouting{"fraud-scorer"};
  for (const TrafficSplit& bad : {TrafficSplit{"7", "", 0, 50, {}}, TrafficSplit{"7", "", 0, 0, {testers()}},
                                  TrafficSplit{"7", "8", 0, 101, {}}}) {
    auto result = router->setRoutes(target, bad);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, ErrorCode::InvalidSpec);
  }
  EXPECT_EQ(client.writes, 0);
}

}  // namespace
}  // namespace aviary::traffic
