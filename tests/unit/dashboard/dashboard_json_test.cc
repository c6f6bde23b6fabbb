// The JSON the dashboard's pages read, compared with golden files in testdata/ (AVIARY_UPDATE_GOLDEN=1
// rewrites them; review the diff).
#include "dashboard/dashboard_json.h"

#include <gtest/gtest.h>

#include "aviary/dashboard/release_history.h"
#include "unit/dashboard/dashboard_fixtures.h"

namespace aviary::dashboard {
namespace {

using nlohmann::json;
using testing::cliFixture;
using testing::golden;

TimePoint at(const char* text) {
  TimePoint t;
  EXPECT_TRUE(parseRfc3339(text, t));
  return t;
}

json analysingWithRegistry() {
  json object = cliFixture("canary_analysing.json");
  object["spec"]["registry"]["mlflow"]["url"] = "http://mlflow.mlops:5000/";
  return object;
}

TEST(DashboardJsonTest, ListRowsMatchTheGoldenFile) {
  json rows = json::array();
  for (const char* file : {"canary_analysing.json", "canary_awaiting_approval.json", "canary_rolled_back.json"}) {
    rows.push_back(releaseSummary(cliFixture(file)));
  }
  EXPECT_EQ(rows, golden("list.golden.json", rows)) << rows.dump(2);
}

TEST(DashboardJsonTest, ACanaryInAnalysisMatchesTheGoldenFile) {
  ManualClock clock(at("2024-05-01T09:10:00Z"));
  ReleaseHistory history(clock);
  const json object = analysingWithRegistry();
  history.observe(object);
  const json detail = releaseDetail(object, history.json("ml/fraud"), {"promote", "promote-full", "abort"},
                                    at("2024-05-01T09:12:00Z"));
  EXPECT_EQ(detail, golden("canary_analysing.golden.json", detail)) << detail.dump(2);
}

TEST(DashboardJsonTest, ARolledBackReleaseMatchesTheGoldenFile) {
  ManualClock clock(at("2024-05-01T09:10:00Z"));
  const json object = cliFixture("canary_rolled_back.json");
  const json detail = releaseDetail(object, ReleaseHistory(clock).json("ml/fraud"), {"retry"}, at("2024-05-01T09:12:00Z"));
  EXPECT_EQ(detail, golden("canary_rolled_back.golden.json", detail)) << detail.dump(2);
}

TEST(DashboardJsonTest, StepsAreDoneCurrentOrToDo) {
  const json detail = releaseDetail(cliFixture("canary_analysing.json"), json::object(), {}, at("2024-05-01T09:12:00Z"));
  std::vector<std::string> states;
  for (const auto& step : detail["steps"]) states.push_back(step["state"]);
  EXPECT_EQ(states, (std::vector<std::string>{"done", "done", "current", "todo", "todo", "todo"}));
  EXPECT_EQ(detail["steps"][2]["text"], "analysis error-rate");
}

TEST(DashboardJsonTest, BlueGreenShowsItsStages) {
  json object = cliFixture("canary_analysing.json");
  object["spec"]["strategy"] = {{"blueGreen", {{"prePromotionAnalysis", {{"gates", {"error-rate"}}}}}}};
  object["status"]["currentStepIndex"] = 1;
  const json detail = releaseDetail(object, json::object(), {}, at("2024-05-01T09:12:00Z"));
  ASSERT_EQ(detail["steps"].size(), 5u) << detail["steps"].dump();
  EXPECT_EQ(detail["steps"][0]["state"], "done");
  EXPECT_EQ(detail["steps"][1]["text"], "pre-promotion analysis error-rate");
  EXPECT_EQ(detail["steps"][1]["state"], "current");
  EXPECT_EQ(detail["release"]["strategy"], "blueGreen");
}

TEST(DashboardJsonTest, StatusMeasurementsStandInWhenTheHistoryHasNone) {
  const json detail = releaseDetail(cliFixture("canary_analysing.json"), json::object(), {}, at("2024-05-01T09:12:00Z"));
  ASSERT_FALSE(detail["gates"].empty());
  for (const auto& gate : detail["gates"]) {
    EXPECT_FALSE(gate["measurements"].empty()) << gate.dump();
    for (const auto& point : gate["measurements"]) EXPECT_EQ(point["stage"], gate["stage"]);
  }
}

TEST(DashboardJsonTest, OnlyHttpServersAreLinked) {
  json object = cliFixture("canary_analysing.json");
  object["spec"]["registry"]["mlflow"]["url"] = "javascript:alert(1)//";
  for (auto& gate : object["spec"]["analysis"]["gates"]) gate["prometheus"]["address"] = "javascript:alert(2)//";
  const json detail = releaseDetail(object, json::object(), {}, at("2024-05-01T09:12:00Z"));
  EXPECT_EQ(detail["links"], json::object());
  for (const auto& gate : detail["gates"]) {
    EXPECT_FALSE(gate.contains("queryUrl")) << gate.dump();
    EXPECT_TRUE(gate.contains("query")) << "the query itself is still shown, as text";
  }
}

TEST(DashboardJsonTest, PrometheusLinksEncodeTheQuery) {
  EXPECT_EQ(prometheusGraphUrl("http://prom:9090/", "rate(x{a=\"b\"}[1m])"),
            "http://prom:9090/graph?g0.expr=rate%28x%7Ba%3D%22b%22%7D%5B1m%5D%29&g0.tab=0");
}

}  // namespace
}  // namespace aviary::dashboard
