// Simulation: a failed read keeps the traffic where it went; ticks record every release's requests.

#include "aviary/simulator/simulation.h"

#include <gtest/gtest.h>

#include "unit/simulator/exposition_lines.h"

namespace aviary::simulator {
namespace {

TEST(Simulation, NotReadyUntilTheFirstSuccessfulRead) {
  telemetry::MetricsRegistry registry;
  BehaviourStore behaviours;
  TrafficGenerator generator(50, 1);
  TrafficMetrics metrics(registry);
  Simulation simulation(generator, metrics, behaviours);
  simulation.updateRouting(makeError(ErrorCode::Forbidden, "modelreleases is forbidden"));
  EXPECT_FALSE(simulation.ready());
  EXPECT_EQ(simulation.lastError(), "Forbidden: modelreleases is forbidden");
  simulation.updateRouting(RoutingState{});
  EXPECT_TRUE(simulation.ready());
  EXPECT_EQ(simulation.lastError(), "");
}

TEST(Simulation, TicksFollowTheLastGoodRoutingState) {
  telemetry::MetricsRegistry registry;
  BehaviourStore behaviours;
  behaviours.set({"ml", "a", "2"}, Behaviour{1.0, 30, 0});  // every request fails
  TrafficGenerator generator(10, 1);
  TrafficMetrics metrics(registry);
  Simulation simulation(generator, metrics, behaviours);
  simulation.updateRouting(RoutingState{{"ml", "a", {{"1", 0.5}, {"2", 0.5}}, ""}, {"ml", "b", {{"7", 1.0}}, ""}});
  simulation.tick(1);
  simulation.updateRouting(makeError(ErrorCode::Unavailable, "down"));
  simulation.tick(1);
  std::string text = registry.render();
  EXPECT_TRUE(hasLine(text, R"(model_requests_total{namespace="ml",release="a",version="1",code="200",mirrored="false"} 10)")) << text;
  EXPECT_TRUE(hasLine(text, R"(model_requests_total{namespace="ml",release="a",version="2",code="500",mirrored="false"} 10)"));
  EXPECT_TRUE(hasLine(text, R"(model_requests_total{namespace="ml",release="b",version="7",code="200",mirrored="false"} 20)"));
}

}  // namespace
}  // namespace aviary::simulator
