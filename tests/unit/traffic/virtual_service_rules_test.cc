// The canary's mirror and header routes on a VirtualService (traffic/istio/virtual_service_rules.h),
// through the Istio router's pure functions and its read-compare-write.

#include <gtest/gtest.h>

#include "traffic/istio/istio_router.h"
#include "unit/traffic/fixtures.h"
#include "mocks/k8s/fake_kube_client.h"

namespace aviary::traffic {
namespace {

using Json = nlohmann::json;
using testing::fraudScorerRef;
using testing::loadFixture;

api::IstioRouting primary() { return api::IstioRouting{"fraud-scorer", {"primary"}}; }

api::HeaderRoute testers() {
  api::HeaderMatch cohort;
  cohort.header = "x-cohort";
  cohort.exact = "testers";
  return api::HeaderRoute{"testers", {cohort}};
}

TEST(VirtualServiceRules, MirrorAndHeaderRouteExactJson) {
  Json live = loadFixture("virtualservice.json");
  auto vs = desiredVirtualService(live, fraudScorerRef(), primary(), TrafficSplit{"7", "8", 0, 40, {testers()}});
  ASSERT_TRUE(vs) << vs.error().describe();
  const Json& http = (*vs)["spec"]["http"];
  ASSERT_EQ(http.size(), 4u);
  EXPECT_EQ(http[0], Json::parse(R"({
      "name": "aviary-fraud-scorer-testers",
      "match": [{"uri": {"prefix": "/score"}, "headers": {"x-cohort": {"exact": "testers"}}}],
      "retries": {"attempts": 2, "perTryTimeout": "1s"},
      "route": [{"destination": {"host": "fraud-scorer-canary.ml.svc.cluster.local", "port": {"number": 8080}}}]
    })"));
  EXPECT_EQ(http[1]["mirror"], Json::parse(R"({"host": "fraud-scorer-canary.ml.svc.cluster.local", "port": {"number": 8080}})"));
  EXPECT_EQ(http[1]["mirrorPercentage"], Json::parse(R"({"value": 40})"));
  // Routes it does not manage stay byte-equal, the foreign mirror included.
  EXPECT_EQ(http[2].dump(), live["spec"]["http"][1].dump());
  EXPECT_EQ(http[3].dump(), live["spec"]["http"][2].dump());

  auto state = virtualServiceWeights(*vs, fraudScorerRef(), primary());
  ASSERT_TRUE(state);
  EXPECT_EQ(state->canaryWeight, 0);
  EXPECT_EQ(state->mirrorPercent, 40);
  ASSERT_EQ(state->headerMatches.size(), 1u);
  EXPECT_EQ(state->headerMatches[0][0].header, "x-cohort");
  EXPECT_EQ(state->headerMatches[0][0].exact, "testers");

  EXPECT_EQ(*desiredVirtualService(*vs, fraudScorerRef(), primary(), TrafficSplit{"7", "8", 0, 40, {testers()}}), *vs);
}

TEST(VirtualServiceRules, HeaderRoutesAreNeverManagedRoutes) {
  Json live = loadFixture("virtualservice.json");
  Json vs = *desiredVirtualService(live, fraudScorerRef(), api::IstioRouting{"fraud-scorer", {}},
                                   TrafficSplit{"7", "8", 10, 0, {testers()}});
  // All routes managed: the header route keeps the canary as its only destination on the next pass.
  Json again = *desiredVirtualService(vs, fraudScorerRef(), api::IstioRouting{"fraud-scorer", {}},
                                      TrafficSplit{"7", "8", 10, 0, {testers()}});
  EXPECT_EQ(again, vs);
  EXPECT_EQ(vs["spec"]["http"][0]["route"].size(), 1u);
}

TEST(VirtualServiceRules, NoCanaryRemovesMirrorAndHeaderRoutes) {
  Json live = loadFixture("virtualservice.json");
  Json shadowed = *desiredVirtualService(live, fraudScorerRef(), primary(), TrafficSplit{"7", "8", 0, 100, {testers()}});
  Json back = *desiredVirtualService(shadowed, fraudScorerRef(), primary(), TrafficSplit{"7", "", 0});
  EXPECT_EQ(back, *desiredVirtualService(live, fraudScorerRef(), primary(), TrafficSplit{"7", "", 0}));
  EXPECT_FALSE(back["spec"]["http"][0].contains("mirror"));
  EXPECT_EQ(back["spec"]["http"].size(), 3u);
}

TEST(VirtualServiceRules, ForeignMirrorIsNotReplaced) {
  Json live = loadFixture("virtualservice.json");
  auto vs = desiredVirtualService(live, fraudScorerRef(), api::IstioRouting{"fraud-scorer", {"shadow"}},
                                  TrafficSplit{"7", "8", 0, 50, {}});
  ASSERT_FALSE(vs);
  EXPECT_EQ(vs.error().code, ErrorCode::InvalidSpec);
  EXPECT_EQ(vs.error().message,
            "VirtualService ml/fraud-scorer http route shadow already mirrors to recorder: Istio mirrors to one host");
  // Without a mirror asked, the foreign one stays.
  auto weights = desiredVirtualService(live, fraudScorerRef(), api::IstioRouting{"fraud-scorer", {"shadow"}},
                                       TrafficSplit{"7", "8", 20, 0, {}});
  ASSERT_TRUE(weights);
  EXPECT_EQ((*weights)["spec"]["http"][2]["mirror"], live["spec"]["http"][2]["mirror"]);
}

TEST(VirtualServiceRules, RouterWritesOnceThenNothing) {
  aviary::testing::FakeKubeClient client;
  client.seed(k8s::resources::kVirtualServices, loadFixture("virtualservice.json"));
  RouterPtr router = makeIstioRouter(client);
  RouteTarget target;
  target.release = fraudScorerRef();
  target.routing.istio = primary();
  const TrafficSplit split{"7", "8", 0, 100, {testers()}};
  ASSERT_EQ(router->setRoutes(target, split)->count(), 1u);
  EXPECT_EQ(router->setRoutes(target, split)->count(), 0u);
  EXPECT_EQ(client.writes, 1);
  auto state = router->getRoutes(target);
  ASSERT_TRUE(state);
  EXPECT_EQ(state->mirrorPercent, 100);
  EXPECT_EQ(state->headerMatches.size(), 1u);
}

}  // namespace
}  // namespace aviary::traffic
