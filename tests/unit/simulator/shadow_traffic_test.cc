// Mirrors and header routes in the simulator: resolved from the routes aviary writes, generated as
// copies with the served request's input (so agreement is measurable), and counted apart.

#include <gtest/gtest.h>

#include "aviary/simulator/http_api.h"
#include "aviary/simulator/routing_state.h"
#include "aviary/simulator/traffic_generator.h"
#include "aviary/simulator/traffic_metrics.h"

namespace aviary::simulator {
namespace {

Json deployment(const std::string& version, int ready) {
  Json labels = {{"aviary.dev/release", "fraud"}, {"aviary.dev/model-version", version}};
  return {{"metadata", {{"namespace", "ml"}, {"name", "fraud-" + version}, {"labels", labels}}},
          {"spec", {{"template", {{"metadata", {{"labels", labels}}}}}}},
          {"status", {{"readyReplicas", ready}}}};
}

Json service(const std::string& name, const std::string& version) {
  return {{"metadata", {{"namespace", "ml"}, {"name", name}}},
          {"spec", {{"selector", {{"aviary.dev/release", "fraud"}, {"aviary.dev/model-version", version}}}}}};
}

ReleaseObjects objects(const Json& routing, const Json& route) {
  Json release = {{"metadata", {{"namespace", "ml"}, {"name", "fraud"}}},
                  {"spec", {{"strategy", {{"canary", {{"trafficRouting", routing}}}}}}}};
  return ReleaseObjects{release, route,
                        {{"fraud-stable", service("fraud-stable", "1")}, {"fraud-canary", service("fraud-canary", "2")}},
                        {deployment("1", 4), deployment("2", 4)}};
}

// What the Gateway API router writes for a 50% mirror and a header route (tests/unit/traffic).
Json shadowHttpRoute() {
  return Json::parse(R"({"spec": {"rules": [
    {"matches": [{"path": {"type": "PathPrefix", "value": "/"},
                  "headers": [{"type": "Exact", "name": "x-cohort", "value": "testers"}]}],
     "backendRefs": [{"name": "fraud-canary", "port": 8080, "weight": 1}]},
    {"matches": [{"path": {"type": "PathPrefix", "value": "/"}}],
     "filters": [{"type": "RequestMirror", "requestMirror": {"backendRef": {"name": "fraud-canary", "port": 8080}, "percent": 50}}],
     "backendRefs": [{"name": "fraud-stable", "port": 8080, "weight": 100}, {"name": "fraud-canary", "port": 8080, "weight": 0}]}
  ]}})");
}

Json shadowVirtualService() {
  return Json::parse(R"({"spec": {"http": [
    {"name": "aviary-fraud-testers", "match": [{"headers": {"x-cohort": {"prefix": "test"}}}],
     "route": [{"destination": {"host": "fraud-canary"}}]},
    {"name": "primary", "route": [{"destination": {"host": "fraud-stable"}, "weight": 100}],
     "mirror": {"host": "fraud-canary"}, "mirrorPercentage": {"value": 25}}
  ]}})");
}

TEST(ShadowRouting, HttpRouteMirrorAndHeaderRule) {
  ReleaseRouting r = resolveRouting(objects({{"gatewayAPI", {{"httpRoute", "fraud"}}}}, shadowHttpRoute()));
  ASSERT_EQ(r.versions.size(), 1u);
  EXPECT_EQ(r.versions[0].version, "1");
  ASSERT_EQ(r.mirrored.size(), 1u);
  EXPECT_EQ(r.mirrored[0].version, "2");
  EXPECT_DOUBLE_EQ(r.mirrored[0].share, 0.5);
  const RuleRouting* tagged = ruleFor(r, {{"x-cohort", "testers"}});
  ASSERT_NE(tagged, nullptr);
  ASSERT_EQ(tagged->versions.size(), 1u);
  EXPECT_EQ(tagged->versions[0].version, "2");
  EXPECT_EQ(ruleFor(r, {{"x-cohort", "others"}})->versions[0].version, "1");
}

TEST(ShadowRouting, VirtualServiceMirrorPercentageAndPrefixHeader) {
  ReleaseRouting r = resolveRouting(
      objects({{"istio", {{"virtualService", "fraud"}, {"routes", {"primary"}}}}}, shadowVirtualService()));
  ASSERT_EQ(r.mirrored.size(), 1u);
  EXPECT_DOUBLE_EQ(r.mirrored[0].share, 0.25);
  EXPECT_EQ(ruleFor(r, {{"x-cohort", "testers"}})->versions[0].version, "2");
  EXPECT_EQ(ruleFor(r, {{"x-cohort", "prod"}})->versions[0].version, "1");
}

TEST(ShadowTraffic, MirroredCopiesShareTheInputAndAreCountedApart) {
  ReleaseRouting r = resolveRouting(objects({{"gatewayAPI", {{"httpRoute", "fraud"}}}}, shadowHttpRoute()));
  BehaviourStore behaviours;
  TrafficGenerator generator(100, 3);
  auto requests = generator.generate(r, 10, behaviours);  // 1000 served by 1, 500 copies to 2
  int served = 0, copies = 0, agreeing = 0;
  for (const Request& q : requests) {
    if (q.mirrored) {
      EXPECT_EQ(q.version, "2");
      ++copies;
      agreeing += q.agrees ? 1 : 0;
    } else {
      EXPECT_EQ(q.version, "1");
      ++served;
    }
  }
  EXPECT_EQ(served, 1000);
  EXPECT_EQ(copies, 500);
  EXPECT_EQ(agreeing, 500);  // the same behaviour on the same input predicts the same

  behaviours.set({"ml", "fraud", "2"}, Behaviour{0.001, 30, 0.35});
  int drifted = 0, drifting = 0;
  for (const Request& q : generator.generate(r, 10, behaviours)) {
    if (!q.mirrored) continue;
    ++drifted;
    drifting += q.agrees ? 0 : 1;
  }
  EXPECT_EQ(drifted, 500);
  EXPECT_GT(drifting, 400);

  telemetry::MetricsRegistry registry;
  TrafficMetrics metrics(registry);
  metrics.record("ml", "fraud", {{"2", 200, 0.03, 0.3, true, true}, {"2", 200, 0.03, 0.7, true, false}});
  const std::string text = registry.render();
  EXPECT_NE(text.find(R"(model_requests_total{namespace="ml",release="fraud",version="2",code="200",mirrored="true"} 2)"),
            std::string::npos) << text;
  EXPECT_NE(text.find(R"(model_shadow_compared_total{namespace="ml",release="fraud",version="2"} 2)"), std::string::npos);
  EXPECT_NE(text.find(R"(model_shadow_agreement_total{namespace="ml",release="fraud",version="2"} 1)"), std::string::npos);
}

TEST(ShadowTraffic, TaggedShareTakesTheHeaderRoute) {
  ReleaseRouting r = resolveRouting(objects({{"gatewayAPI", {{"httpRoute", "fraud"}}}}, shadowHttpRoute()));
  BehaviourStore behaviours;
  behaviours.setTagged("ml", "fraud", TaggedTraffic{"x-cohort", "testers", 0.2});
  TrafficGenerator generator(100, 5);
  int canaryServed = 0, stableServed = 0;
  for (const Request& q : generator.generate(r, 10, behaviours)) {
    if (q.mirrored) continue;
    (q.version == "2" ? canaryServed : stableServed)++;
  }
  EXPECT_EQ(canaryServed, 200);
  EXPECT_EQ(stableServed, 800);
}

TEST(ShadowTraffic, PutBehaviourWithoutVersionSetsTheTaggedShare) {
  telemetry::MetricsRegistry registry;
  BehaviourStore behaviours;
  TrafficGenerator generator{50, 1};
  TrafficMetrics metrics{registry};
  Simulation simulation{generator, metrics, behaviours};
  SimulatorApi api{behaviours, simulation};
  server::HttpRequest put;
  put.method = "PUT";
  put.path = "/behaviour";
  put.body = R"({"namespace":"ml","release":"fraud","headerShare":0.3,"header":{"name":"X-Cohort","value":"qa"}})";
  auto response = api.putBehaviour(put);
  EXPECT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(behaviours.tagged("ml", "fraud"), (TaggedTraffic{"x-cohort", "qa", 0.3}));
  put.body = R"({"namespace":"ml","release":"fraud","headerShare":2})";
  EXPECT_EQ(api.putBehaviour(put).status, 400);
}

}  // namespace
}  // namespace aviary::simulator
