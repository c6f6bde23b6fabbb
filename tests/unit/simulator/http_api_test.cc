// SimulatorApi handlers, called directly (the HTTP server itself is tested in tests/unit/server).

#include "aviary/simulator/http_api.h"

#include <gtest/gtest.h>

namespace aviary::simulator {
namespace {

server::HttpRequest request(const std::string& method, const std::string& body = "") {
  server::HttpRequest r;
  r.method = method;
  r.path = "/behaviour";
  r.body = body;
  return r;
}

class SimulatorApiTest : public ::testing::Test {
 protected:
  telemetry::MetricsRegistry registry_;
  BehaviourStore behaviours_;
  TrafficGenerator generator_{50, 1};
  TrafficMetrics metrics_{registry_};
  Simulation simulation_{generator_, metrics_, behaviours_};
  SimulatorApi api_{behaviours_, simulation_};
};

TEST_F(SimulatorApiTest, PutSetsTheBehaviourAndGetListsIt) {
  auto put = api_.putBehaviour(request("PUT", R"({"namespace":"ml","release":"fraud","version":"2","errorRate":0.3})"));
  EXPECT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(nlohmann::json::parse(put.body)["errorRate"], 0.3);
  EXPECT_EQ(behaviours_.get({"ml", "fraud", "2"}).errorRate, 0.3);

  auto list = api_.listBehaviours(request("GET"));
  EXPECT_EQ(list.status, 200);
  auto json = nlohmann::json::parse(list.body);
  ASSERT_EQ(json.size(), 1u);
  EXPECT_EQ(json[0]["version"], "2");
  EXPECT_EQ(json[0]["latencyMs"], kHealthy.latencyMs);
}

TEST_F(SimulatorApiTest, BadBodiesAre400WithTheReason) {
  auto notJson = api_.putBehaviour(request("PUT", "{"));
  EXPECT_EQ(notJson.status, 400);
  EXPECT_EQ(nlohmann::json::parse(notJson.body)["error"], "the body is not JSON");
  auto badRate = api_.putBehaviour(request("PUT", R"({"namespace":"ml","release":"fraud","version":"2","errorRate":2})"));
  EXPECT_EQ(badRate.status, 400);
  EXPECT_TRUE(behaviours_.all().empty());
}

TEST_F(SimulatorApiTest, DeleteRestoresHealthyAnd404sWhenNothingWasSet) {
  const std::string key = R"({"namespace":"ml","release":"fraud","version":"2"})";
  EXPECT_EQ(api_.deleteBehaviour(request("DELETE", key)).status, 404);
  behaviours_.set({"ml", "fraud", "2"}, Behaviour{1, 1, 0});
  EXPECT_EQ(api_.deleteBehaviour(request("DELETE", key)).status, 200);
  EXPECT_TRUE(behaviours_.all().empty());
}

TEST_F(SimulatorApiTest, RoutingShowsTheStateAndTheLastError) {
  simulation_.updateRouting(RoutingState{{"ml", "fraud", {{"1", 1.0}}, ""}});
  simulation_.updateRouting(makeError(ErrorCode::Unavailable, "connection refused"));
  auto json = nlohmann::json::parse(api_.getRouting(request("GET")).body);
  EXPECT_EQ(json["releases"][0]["release"], "fraud");
  EXPECT_EQ(json["releases"][0]["versions"][0]["share"], 1.0);
  EXPECT_EQ(json["lastError"], "Unavailable: connection refused");
}

}  // namespace
}  // namespace aviary::simulator
