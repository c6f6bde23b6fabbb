// The Gateway API and Istio routers against the real kube-apiserver with the CRDs hack/cluster.sh
// installs.
#include "aviary/traffic/router.h"
#include "integration/traffic/kube_test_env.h"

namespace aviary::traffic {
namespace {

using Json = nlohmann::json;
namespace resources = k8s::resources;

class RoutersIntegrationTest : public aviary::testing::KubeTestEnv {
 protected:
  void SetUp() override {
    KubeTestEnv::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    target_.release = workload::releaseRef(release_);
  }

  RouterPtr router(api::RouterKind kind) { return std::move(makeRouter(kind, *counting_).value()); }

  Json httpRoute() {
    return Json::parse(R"({
      "apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
      "metadata": {"name": "fraud-scorer", "annotations": {"team.example.com/owner": "risk"}},
      "spec": {
        "parentRefs": [{"name": "public"}],
        "rules": [
          {"matches": [{"path": {"type": "PathPrefix", "value": "/score"}}],
           "backendRefs": [{"name": "fraud-scorer-stable", "port": 8080}]},
          {"matches": [{"path": {"type": "PathPrefix", "value": "/explain"}}],
           "backendRefs": [{"name": "explainer", "port": 9000}]}
        ]}})");
  }

  // Setting the split already in effect reaches the server with no write at all.
  void expectIdle(Router& router, const TrafficSplit& split) {
    const int writesBefore = counting_->writes;
    auto again = router.setRoutes(target_, split);
    ASSERT_TRUE(again) << again.error().describe();
    EXPECT_EQ(again->count(), 0u);
    EXPECT_EQ(counting_->writes, writesBefore);
  }

  RouteTarget target_;
};

TEST_F(RoutersIntegrationTest, GatewayApiSetsWeightsOnceAndReadsThemBack) {
  create(resources::kHttpRoutes, httpRoute());
  target_.routing.gatewayAPI = api::GatewayApiRouting{"fraud-scorer"};
  RouterPtr gateway = router(api::RouterKind::GatewayApi);

  auto first = gateway->setRoutes(target_, {"7", "8", 20});
  ASSERT_TRUE(first) << first.error().describe();
  EXPECT_EQ(first->count(), 1u);
  Json live = read(resources::kHttpRoutes, "fraud-scorer");
  EXPECT_EQ(first->writes[0].resourceVersion, live["metadata"]["resourceVersion"]);
  const Json& refs = live["spec"]["rules"][0]["backendRefs"];
  ASSERT_EQ(refs.size(), 2u);
  EXPECT_EQ(refs[0]["weight"], 80);
  EXPECT_EQ(refs[1]["name"], "fraud-scorer-canary");
  EXPECT_EQ(refs[1]["weight"], 20);
  EXPECT_EQ(live["spec"]["rules"][1]["backendRefs"][0]["name"], "explainer");
  EXPECT_EQ(live["spec"]["rules"][1]["backendRefs"][0].value("weight", 1), 1);  // the server's default at most
  EXPECT_EQ(live["metadata"]["annotations"]["team.example.com/owner"], "risk");

  auto state = gateway->getRoutes(target_);
  ASSERT_TRUE(state) << state.error().describe();
  EXPECT_EQ(state->stableWeight, 80);
  EXPECT_EQ(state->canaryWeight, 20);

  // The server defaults fields (group, kind, weight of the untouched rule): still nothing to write.
  expectIdle(*gateway, {"7", "8", 20});
}

TEST_F(RoutersIntegrationTest, GatewayApiMissingRouteIsNotFound) {
  target_.routing.gatewayAPI = api::GatewayApiRouting{"fraud-scorer"};
  auto result = router(api::RouterKind::GatewayApi)->setRoutes(target_, {"7", "8", 20});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::NotFound);
  EXPECT_EQ(result.error().message, "HTTPRoute " + ns_ + "/fraud-scorer not found");
}

TEST_F(RoutersIntegrationTest, GatewayApiConflictIsRetriedWithTheOtherWritersChangeKept) {
  create(resources::kHttpRoutes, httpRoute());
  target_.routing.gatewayAPI = api::GatewayApiRouting{"fraud-scorer"};
  counting_->beforeNextUpdate = [&] {
    auto patched = client_->patch(resources::kHttpRoutes, ns_, "fraud-scorer", k8s::PatchType::Merge,
                                  {{"metadata", {{"annotations", {{"other-controller/seen", "yes"}}}}}});
    ASSERT_TRUE(patched) << patched.error().describe();
  };
  auto result = router(api::RouterKind::GatewayApi)->setRoutes(target_, {"7", "8", 50});
  ASSERT_TRUE(result) << result.error().describe();
  EXPECT_EQ(result->count(), 1u);
  Json live = read(resources::kHttpRoutes, "fraud-scorer");
  EXPECT_EQ(live["metadata"]["annotations"]["other-controller/seen"], "yes");
  EXPECT_EQ(live["spec"]["rules"][0]["backendRefs"][1]["weight"], 50);
}

TEST_F(RoutersIntegrationTest, IstioSetsWeightsOnFqdnHostsOnce) {
  create(resources::kVirtualServices, Json::parse(R"({
      "apiVersion": "networking.istio.io/v1", "kind": "VirtualService",
      "metadata": {"name": "fraud-scorer"},
      "spec": {"hosts": ["fraud-scorer"], "http": [
        {"name": "primary", "retries": {"attempts": 2},
         "route": [{"destination": {"host": "fraud-scorer-stable.)" + ns_ + R"(.svc.cluster.local", "port": {"number": 8080}}}]},
        {"name": "admin", "route": [{"destination": {"host": "admin-ui"}}]}]}})"));
  target_.routing.istio = api::IstioRouting{"fraud-scorer", {"primary"}};
  RouterPtr istio = router(api::RouterKind::Istio);

  auto first = istio->setRoutes(target_, {"7", "8", 10});
  ASSERT_TRUE(first) << first.error().describe();
  EXPECT_EQ(first->count(), 1u);
  Json live = read(resources::kVirtualServices, "fraud-scorer");
  const Json& route = live["spec"]["http"][0]["route"];
  ASSERT_EQ(route.size(), 2u);
  EXPECT_EQ(route[0]["weight"], 90);
  EXPECT_EQ(route[1]["destination"]["host"], "fraud-scorer-canary." + ns_ + ".svc.cluster.local");
  EXPECT_EQ(route[1]["weight"], 10);
  EXPECT_EQ(live["spec"]["http"][0]["retries"]["attempts"], 2);
  EXPECT_FALSE(live["spec"]["http"][1]["route"][0].contains("weight"));

  auto state = istio->getRoutes(target_);
  ASSERT_TRUE(state) << state.error().describe();
  EXPECT_EQ(state->canaryWeight, 10);

  expectIdle(*istio, {"7", "8", 10});

  target_.routing.istio->virtualService = "absent";
  auto missing = istio->getRoutes(target_);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::NotFound);
}

}  // namespace
}  // namespace aviary::traffic
