#include "cli/progress_lines.h"

#include <gtest/gtest.h>

#include "cli_fixtures.h"

namespace aviary::cli {
namespace {

TEST(ProgressLinesTest, FirstCallPrintsTheSummaryAndEveryGate) {
  ProgressLines progress;
  auto lines = progress.next(testing::fixtureRelease("canary_analysing.json"));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].rfind("Progressing  stable 1  canary 2  step 3/6", 0), 0u) << lines[0];
  EXPECT_EQ(lines[1].rfind("  gate error-rate ", 0), 0u) << lines[1];
}

TEST(ProgressLinesTest, OnlyChangesArePrinted) {
  ProgressLines progress;
  auto object = testing::fixture("canary_analysing.json");
  progress.next(decodeRelease(object));
  EXPECT_TRUE(progress.next(decodeRelease(object)).empty());

  object["status"]["gates"][1]["measurements"].push_back({{"time", "t2"}, {"verdict", "Pass"}, {"value", 0.02}});
  auto lines = progress.next(decodeRelease(object));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("last 0.02"), std::string::npos) << lines[0];

  object["status"]["message"] = "step 3/6: analysis passed";
  lines = progress.next(decodeRelease(object));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("analysis passed"), std::string::npos) << lines[0];
}

}  // namespace
}  // namespace aviary::cli
