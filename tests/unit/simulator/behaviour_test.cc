// Behaviour parsing (defaults, ranges, field names in errors) and the store.

#include "aviary/simulator/behaviour.h"

#include <gtest/gtest.h>

namespace aviary::simulator {
namespace {

nlohmann::json key() { return {{"namespace", "ml"}, {"release", "fraud"}, {"version", "2"}}; }

TEST(ParseBehaviour, ReadsEveryFieldAndDefaultsTheRestToHealthy) {
  auto body = key();
  body["errorRate"] = 0.3;
  body["latencyMs"] = 120;
  auto parsed = parseBehaviour(body);
  ASSERT_TRUE(parsed.ok()) << parsed.error().describe();
  EXPECT_EQ(parsed->first, (VersionKey{"ml", "fraud", "2"}));
  EXPECT_EQ(parsed->second, (Behaviour{0.3, 120, kHealthy.predictionShift}));
}

TEST(ParseBehaviour, RejectsMissingKeysAndOutOfRangeNumbersNamingTheField) {
  auto noVersion = key();
  noVersion.erase("version");
  auto parsed = parseBehaviour(noVersion);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, ErrorCode::InvalidSpec);
  EXPECT_NE(parsed.error().message.find("version"), std::string::npos);

  for (const auto& [field, value] : std::vector<std::pair<std::string, nlohmann::json>>{
           {"errorRate", 1.5}, {"errorRate", "0.1"}, {"latencyMs", 0}, {"predictionShift", 0.8}, {"predictionShift", -0.3}}) {
    auto body = key();
    body[field] = value;
    auto bad = parseBehaviour(body);
    ASSERT_FALSE(bad.ok()) << field << "=" << value;
    EXPECT_EQ(bad.error().message.rfind(field + ":", 0), 0u) << bad.error().message;
  }
  EXPECT_FALSE(parseBehaviour(nlohmann::json::array()).ok());
}

TEST(BehaviourStore, UnknownVersionsAreHealthyAndResetForgets) {
  BehaviourStore store;
  VersionKey v2{"ml", "fraud", "2"};
  EXPECT_EQ(store.get(v2), kHealthy);
  store.set(v2, Behaviour{0.5, 10, 0});
  EXPECT_EQ(store.get(v2).errorRate, 0.5);
  EXPECT_EQ(store.get({"ml", "fraud", "3"}), kHealthy);
  ASSERT_EQ(store.all().size(), 1u);
  EXPECT_TRUE(store.reset(v2));
  EXPECT_FALSE(store.reset(v2));
  EXPECT_EQ(store.get(v2), kHealthy);
}

}  // namespace
}  // namespace aviary::simulator
