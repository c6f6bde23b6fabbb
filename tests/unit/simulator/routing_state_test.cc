// resolveRouting: each way a release routes traffic, resolved from the objects alone.

#include "aviary/simulator/routing_state.h"

#include <gtest/gtest.h>

namespace aviary::simulator {
namespace {

Json release(const Json& trafficRouting = nullptr) {
  Json r = {{"metadata", {{"namespace", "ml"}, {"name", "fraud"}}},
            {"spec", {{"strategy", {{"canary", {{"steps", Json::array()}}}}}}}};
  if (!trafficRouting.is_null()) r["spec"]["strategy"]["canary"]["trafficRouting"] = trafficRouting;
  return r;
}

Json service(const std::string& name, const Json& selector) {
  return {{"metadata", {{"namespace", "ml"}, {"name", name}}}, {"spec", {{"selector", selector}}}};
}

Json deployment(const std::string& version, int ready, const std::string& releaseName = "fraud") {
  Json labels = {{"aviary.dev/release", releaseName}, {"aviary.dev/model-version", version}};
  return {{"metadata", {{"namespace", "ml"}, {"name", releaseName + "-" + version}, {"labels", labels}}},
          {"spec", {{"template", {{"metadata", {{"labels", labels}}}}}}},
          {"status", {{"readyReplicas", ready}}}};
}

Json versionSelector(const std::string& version) {
  return {{"aviary.dev/release", "fraud"}, {"aviary.dev/model-version", version}};
}

// The three Services as the operator builds them during a rollout of 2 over 1.
std::map<std::string, Json> rolloutServices() {
  return {{"fraud", service("fraud", versionSelector("1"))},
          {"fraud-stable", service("fraud-stable", versionSelector("1"))},
          {"fraud-canary", service("fraud-canary", versionSelector("2"))}};
}

Json httpRoute(const Json& backendRefs) {
  return {{"spec", {{"rules", Json::array({{{"matches", Json::array()}}, {{"backendRefs", backendRefs}}})}}}};
}

void expectShares(const ReleaseRouting& routing, const std::vector<VersionShare>& expected) {
  ASSERT_EQ(routing.versions.size(), expected.size()) << routingToJson({routing}).dump();
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(routing.versions[i].version, expected[i].version);
    EXPECT_NEAR(routing.versions[i].share, expected[i].share, 1e-9) << expected[i].version;
  }
}

TEST(ResolveRouting, ReplicaRatioFollowsReadyPodsBehindTheRootService) {
  ReleaseObjects objects{release(), std::nullopt, {{"fraud", service("fraud", {{"aviary.dev/release", "fraud"}})}},
                         {deployment("1", 3), deployment("2", 1), deployment("1", 5, "other")}};
  ReleaseRouting routing = resolveRouting(objects);
  EXPECT_EQ(routing.ns, "ml");
  EXPECT_EQ(routing.release, "fraud");
  expectShares(routing, {{"1", 0.75}, {"2", 0.25}});
  EXPECT_EQ(routing.note, "");
}

TEST(ResolveRouting, BlueGreenSendsEverythingToTheVersionTheRootServiceSelects) {
  ReleaseObjects objects{release(), std::nullopt, {{"fraud", service("fraud", versionSelector("2"))}},
                         {deployment("1", 4), deployment("2", 4)}};
  expectShares(resolveRouting(objects), {{"2", 1.0}});
}

TEST(ResolveRouting, HttpRouteWeightsSplitBetweenStableAndCanaryServices) {
  Json route = httpRoute({{{"name", "fraud-stable"}, {"weight", 90}}, {{"name", "fraud-canary"}, {"weight", 10}}});
  ReleaseObjects objects{release({{"gatewayAPI", {{"httpRoute", "fraud"}}}}), route, rolloutServices(),
                         {deployment("1", 4), deployment("2", 1)}};
  expectShares(resolveRouting(objects), {{"1", 0.9}, {"2", 0.1}});
}

TEST(ResolveRouting, HttpRouteBackendWithoutWeightCountsOne) {
  Json route = httpRoute({{{"name", "fraud-stable"}}, {{"name", "fraud-canary"}, {"weight", 3}}});
  ReleaseObjects objects{release({{"gatewayAPI", {{"httpRoute", "fraud"}}}}), route, rolloutServices(),
                         {deployment("1", 1), deployment("2", 1)}};
  expectShares(resolveRouting(objects), {{"1", 0.25}, {"2", 0.75}});
}

TEST(ResolveRouting, MissingRouteObjectMeansNoTrafficWithAReason) {
  ReleaseObjects objects{release({{"gatewayAPI", {{"httpRoute", "fraud-route"}}}}), std::nullopt, rolloutServices(),
                         {deployment("1", 1)}};
  ReleaseRouting routing = resolveRouting(objects);
  EXPECT_TRUE(routing.versions.empty());
  EXPECT_EQ(routing.note, "HTTPRoute fraud-route not found");
}

TEST(ResolveRouting, ShareToAServiceWithoutReadyPodsIsNotGenerated) {
  Json route = httpRoute({{{"name", "fraud-stable"}, {"weight", 80}}, {{"name", "fraud-canary"}, {"weight", 20}}});
  ReleaseObjects objects{release({{"gatewayAPI", {{"httpRoute", "fraud"}}}}), route, rolloutServices(),
                         {deployment("1", 2), deployment("2", 0)}};
  ReleaseRouting routing = resolveRouting(objects);
  expectShares(routing, {{"1", 0.8}});
  EXPECT_EQ(routing.note, "Service fraud-canary has no ready pods");
}

TEST(ResolveRouting, AllWeightsZeroMeansNoTraffic) {
  Json route = httpRoute({{{"name", "fraud-stable"}, {"weight", 0}}});
  ReleaseObjects objects{release({{"gatewayAPI", {{"httpRoute", "fraud"}}}}), route, rolloutServices(),
                         {deployment("1", 2)}};
  ReleaseRouting routing = resolveRouting(objects);
  EXPECT_TRUE(routing.versions.empty());
  EXPECT_EQ(routing.note, "the route sends no traffic to any Service");
}

Json virtualService() {
  return {{"spec",
           {{"http",
             {{{"name", "other"}, {"route", {{{"destination", {{"host", "unrelated"}}}}}}},
              {{"name", "primary"},
               {"route",
                {{{"destination", {{"host", "fraud-stable.ml.svc.cluster.local"}}}, {"weight", 70}},
                 {{"destination", {{"host", "fraud-canary"}}}, {"weight", 30}}}}}}}}}};
}

TEST(ResolveRouting, VirtualServiceNamedRouteWeightsWithFullyQualifiedHosts) {
  ReleaseObjects objects{release({{"istio", {{"virtualService", "fraud"}, {"routes", {"primary"}}}}}),
                         virtualService(), rolloutServices(), {deployment("1", 1), deployment("2", 1)}};
  expectShares(resolveRouting(objects), {{"1", 0.7}, {"2", 0.3}});
}

TEST(ResolveRouting, VirtualServiceWithoutRouteNamesUsesTheFirstHttpRoute) {
  ReleaseObjects objects{release({{"istio", {{"virtualService", "fraud"}}}}), virtualService(), rolloutServices(),
                         {deployment("1", 1)}};
  ReleaseRouting routing = resolveRouting(objects);
  EXPECT_TRUE(routing.versions.empty());
  EXPECT_EQ(routing.note, "Service unrelated not found");
}

TEST(ResolveRouting, VirtualServiceDestinationsWithoutWeightsSplitEvenly) {
  Json vs = {{"spec", {{"http", {{{"route", {{{"destination", {{"host", "fraud-stable"}}}},
                                            {{"destination", {{"host", "fraud-canary"}}}}}}}}}}}};
  ReleaseObjects objects{release({{"istio", {{"virtualService", "fraud"}}}}), vs, rolloutServices(),
                         {deployment("1", 1), deployment("2", 1)}};
  expectShares(resolveRouting(objects), {{"1", 0.5}, {"2", 0.5}});
}

TEST(RouteRefOf, NamesTheRouteObjectOfEachRouter) {
  EXPECT_FALSE(routeRefOf(release()).has_value());
  auto http = routeRefOf(release({{"gatewayAPI", {{"httpRoute", "r"}}}}));
  ASSERT_TRUE(http.has_value());
  EXPECT_EQ(http->kind, api::RouterKind::GatewayApi);
  EXPECT_EQ(http->name, "r");
  auto vs = routeRefOf(release({{"istio", {{"virtualService", "v"}, {"routes", {"a", "b"}}}}}));
  ASSERT_TRUE(vs.has_value());
  EXPECT_EQ(vs->kind, api::RouterKind::Istio);
  EXPECT_EQ(vs->istioRoutes, (std::vector<std::string>{"a", "b"}));
}

}  // namespace
}  // namespace aviary::simulator
