#include "cli/status_view.h"

#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>

#include "cli_fixtures.h"

namespace aviary::cli {
namespace {

using testing::fixture;
using testing::fixtureRelease;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The whole view of a canary in its analysis step, compared with testdata/canary_analysing.status.txt.
// AVIARY_UPDATE_GOLDEN=1 rewrites the file (review the diff before committing it).
TEST(StatusViewTest, CanaryInAnalysisMatchesTheGoldenView) {
  const std::string rendered = renderStatus(fixtureRelease("canary_analysing.json"));
  const std::string golden = testing::testdataPath("canary_analysing.status.txt");
  if (std::getenv("AVIARY_UPDATE_GOLDEN")) std::ofstream(golden) << rendered;
  EXPECT_EQ(rendered, testing::readTestdata("canary_analysing.status.txt"));
}

TEST(StatusViewTest, MarksDoneAndCurrentStepsAndShowsProgress) {
  const std::string text = renderStatus(fixtureRelease("canary_analysing.json"));
  EXPECT_TRUE(contains(text, " ok  1  setWeight 20\n")) << text;
  EXPECT_TRUE(contains(text, " ok  2  pause 5s\n")) << text;
  EXPECT_TRUE(contains(text, " ->  3  analysis error-rate\n")) << text;
  EXPECT_TRUE(contains(text, "     4  setWeight 60\n")) << text;
  EXPECT_TRUE(contains(text, "     5  approval by release-managers\n")) << text;
  EXPECT_TRUE(contains(text, "Progress:    [########----------------] step 3 of 6, 20% of traffic on 2\n")) << text;
}

TEST(StatusViewTest, ShowsOnlyTheGatesOfTheVersionInQuestion) {
  const std::string text = renderStatus(fixtureRelease("canary_analysing.json"));
  EXPECT_TRUE(contains(text, "Gates (version 2):\n")) << text;
  EXPECT_TRUE(contains(text, "last 0.0123")) << text;
  EXPECT_TRUE(contains(text, "stage 2/step-2")) << text;
  EXPECT_FALSE(contains(text, "stage 1/step-2")) << "the previous version's stage is history";
}

TEST(StatusViewTest, PendingApprovalSaysWhoAndHowAndIgnoredApprovalsSayWhy) {
  StatusViewOptions options;
  options.program = "kubectl aviary";
  const std::string text = renderStatus(fixtureRelease("canary_awaiting_approval.json"), options);
  EXPECT_TRUE(contains(text, "Pending approval: step 5 waits for release-managers; run `kubectl aviary approve -n ml fraud`"))
      << text;
  EXPECT_TRUE(contains(text, "ignored: bob may not approve modelreleases/fraud: no RBAC rule grants it")) << text;
  EXPECT_TRUE(contains(text, "\"looks fine\"")) << text;
  EXPECT_TRUE(contains(text, " ->  5  approval by release-managers\n")) << text;
}

TEST(StatusViewTest, RolledBackReleaseShowsWhyAndTheFailedGateWithoutProgress) {
  const std::string text = renderStatus(fixtureRelease("canary_rolled_back.json"));
  EXPECT_TRUE(contains(text, "Phase:       RolledBack\n")) << text;
  EXPECT_TRUE(contains(text, "Rolled back: 2\n")) << text;
  EXPECT_TRUE(contains(text, "Degraded     True    AnalysisFailed")) << text;
  EXPECT_TRUE(contains(text, "Gates (version 2):\n")) << text;
  EXPECT_TRUE(contains(text, "Fail         last 0.31")) << text;
  EXPECT_FALSE(contains(text, "Progress:")) << text;
  EXPECT_FALSE(contains(text, " -> ")) << "no step is current after a rollback";
  EXPECT_TRUE(contains(text, "version 2      RolledBack")) << text;
}

TEST(StatusViewTest, SaysWhenTheOperatorHasNotSeenTheLatestSpec) {
  auto object = fixture("canary_analysing.json");
  object["metadata"]["generation"] = 4;
  const std::string text = renderStatus(decodeRelease(object));
  EXPECT_TRUE(contains(text, "Observed:    generation 3 of 4 (the operator has not acted on the latest spec yet)")) << text;
}

TEST(StatusViewTest, HistoryShowsTheLastFiveEntries) {
  auto object = fixture("canary_analysing.json");
  auto& history = object["status"]["history"];
  history = nlohmann::json::array();
  for (int v = 1; v <= 7; ++v) history.push_back({{"version", std::to_string(v)}, {"outcome", "Promoted"}, {"time", "t"}});
  const std::string text = renderStatus(decodeRelease(object));
  EXPECT_FALSE(contains(text, "version 2 ")) << text;
  EXPECT_TRUE(contains(text, "version 3 ")) << text;
  EXPECT_TRUE(contains(text, "version 7 ")) << text;
}

TEST(StatusViewTest, BlueGreenStagesAreTheSteps) {
  auto object = fixture("canary_analysing.json");
  object["spec"]["strategy"] = {{"blueGreen", {{"autoPromote", false}}}};
  object["status"]["currentStepIndex"] = 2;
  object["status"]["phase"] = "Paused";
  const std::string text = renderStatus(decodeRelease(object));
  EXPECT_TRUE(contains(text, "Strategy:    blue-green\n")) << text;
  EXPECT_TRUE(contains(text, " ok  2  pre-promotion analysis (no gates)\n")) << text;
  EXPECT_TRUE(contains(text, " ->  3  promote (waits for `promote`)\n")) << text;
}

TEST(StatusViewTest, SummaryLine) {
  EXPECT_EQ(summaryLine(fixtureRelease("canary_analysing.json")),
            "Progressing  stable 1  canary 2  step 3/6 analysis error-rate  weight 20%: step 3/6: analysis error-rate running");
  EXPECT_EQ(summaryLine(fixtureRelease("canary_rolled_back.json")),
            "RolledBack  stable 1: gate error-rate failed: 0.31 > 0.05; rolled back to version 1");
}

TEST(StatusViewTest, DescribeSteps) {
  api::CanaryStep step;
  step.pause = api::PauseStep{};
  EXPECT_EQ(describeStep(step), "pause (until promoted)");
  step = {};
  step.approval = api::ApprovalStep{{"ml-leads"}, {"alice"}};
  EXPECT_EQ(describeStep(step), "approval by ml-leads, alice");
  step = {};
  step.approval = api::ApprovalStep{};
  EXPECT_EQ(describeStep(step), "approval");
  step = {};
  step.analysis = api::AnalysisStep{{"error-rate", "latency"}};
  EXPECT_EQ(describeStep(step), "analysis error-rate, latency");
}

TEST(StatusViewTest, ProgressBarIsProportionalAndClamped) {
  EXPECT_EQ(progressBar(0, 4, 8), "[--------]");
  EXPECT_EQ(progressBar(1, 4, 8), "[##------]");
  EXPECT_EQ(progressBar(4, 4, 8), "[########]");
  EXPECT_EQ(progressBar(9, 4, 8), "[########]");
  EXPECT_EQ(progressBar(1, 0, 4), "[----]");
}

}  // namespace
}  // namespace aviary::cli
