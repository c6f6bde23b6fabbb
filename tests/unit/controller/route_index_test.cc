// The route index: a route change finds the releases that route through it.

#include "aviary/controller/route_index.h"

#include <gtest/gtest.h>

namespace aviary::controller {
namespace {

using Json = nlohmann::json;
using Keys = std::vector<std::string>;

Json release(const Json& trafficRouting) {
  Json canary = {{"steps", Json::array()}};
  if (!trafficRouting.is_null()) canary["trafficRouting"] = trafficRouting;
  return {{"metadata", {{"namespace", "ml"}, {"name", "scorer"}}}, {"spec", {{"strategy", {{"canary", canary}}}}}};
}

TEST(RouteIndex, AGatewayApiReleaseIsFoundByItsHttpRoute) {
  Json r = release({{"gatewayAPI", {{"httpRoute", "fraud"}}}});
  EXPECT_EQ(releaseRouteIndex()(r), Keys{"ml/HTTPRoute/fraud"});
  Json route = {{"metadata", {{"namespace", "ml"}, {"name", "fraud"}}}};
  EXPECT_EQ(routeIndexKey(k8s::resources::kHttpRoutes, route), "ml/HTTPRoute/fraud");
}

TEST(RouteIndex, AnIstioReleaseIsFoundByItsVirtualServiceNotByAnHttpRouteOfTheSameName) {
  Json r = release({{"istio", {{"virtualService", "fraud"}, {"routes", {"primary"}}}}});
  EXPECT_EQ(releaseRouteIndex()(r), Keys{"ml/VirtualService/fraud"});
  Json route = {{"metadata", {{"namespace", "ml"}, {"name", "fraud"}}}};
  EXPECT_NE(routeIndexKey(k8s::resources::kHttpRoutes, route), releaseRouteIndex()(r)[0]);
  EXPECT_EQ(routeIndexKey(k8s::resources::kVirtualServices, route), releaseRouteIndex()(r)[0]);
}

TEST(RouteIndex, ReplicaRatioBlueGreenAndMalformedReleasesHaveNoRoute) {
  EXPECT_TRUE(releaseRouteIndex()(release(nullptr)).empty());
  Json blueGreen = {{"metadata", {{"namespace", "ml"}}}, {"spec", {{"strategy", {{"blueGreen", Json::object()}}}}}};
  EXPECT_TRUE(releaseRouteIndex()(blueGreen).empty());
  Json malformed = {{"metadata", {{"namespace", "ml"}}}, {"spec", {{"strategy", "canary"}}}};
  EXPECT_TRUE(releaseRouteIndex()(malformed).empty());
  EXPECT_TRUE(releaseRouteIndex()(Json::array()).empty());
}

}  // namespace
}  // namespace aviary::controller
