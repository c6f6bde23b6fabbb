#include "cli/release_outcome.h"

#include <gtest/gtest.h>

#include "cli_fixtures.h"

namespace aviary::cli {
namespace {

using testing::fixture;

api::ModelRelease promoted() {
  auto object = fixture("canary_analysing.json");
  auto& status = object["status"];
  status["phase"] = "Promoted";
  status["stableVersion"] = "2";
  status["canaryVersion"] = "";
  status["canaryWeight"] = 0;
  return decodeRelease(object);
}

TEST(ReleaseOutcomeTest, PromotedWhenTheSpecVersionIsStableForTheObservedGeneration) {
  auto release = promoted();
  EXPECT_EQ(judgeOutcome(release).outcome, Outcome::Promoted);
  EXPECT_TRUE(settled(release));
}

TEST(ReleaseOutcomeTest, NothingIsJudgedBeforeTheOperatorObservedTheSpec) {
  auto release = promoted();
  release.metadata.generation = 4;  // set-version just bumped it: the Promoted is the previous version's
  EXPECT_EQ(judgeOutcome(release).outcome, Outcome::InProgress);
  EXPECT_FALSE(settled(release));
  release.status.phase = api::Phase::RolledBack;
  EXPECT_EQ(judgeOutcome(release).outcome, Outcome::InProgress);
}

TEST(ReleaseOutcomeTest, PromotedWithAnotherVersionStableIsStillInProgress) {
  auto release = promoted();
  release.status.stableVersion = "1";
  EXPECT_EQ(judgeOutcome(release).outcome, Outcome::InProgress);
}

TEST(ReleaseOutcomeTest, ARolloutUnderWayIsInProgress) {
  auto release = testing::fixtureRelease("canary_analysing.json");
  EXPECT_EQ(judgeOutcome(release).outcome, Outcome::InProgress);
  EXPECT_FALSE(settled(release));
}

TEST(ReleaseOutcomeTest, RolledBackFailsWithTheDegradedReason) {
  auto release = testing::fixtureRelease("canary_rolled_back.json");
  auto judgement = judgeOutcome(release);
  EXPECT_EQ(judgement.outcome, Outcome::Failed);
  EXPECT_EQ(judgement.reason,
            "rolled back to version 1: AnalysisFailed: gate error-rate failed: measured 0.31, threshold max 0.05");
  EXPECT_TRUE(settled(release));
}

TEST(ReleaseOutcomeTest, InvalidFails) {
  auto release = testing::fixtureRelease("canary_analysing.json");
  release.status.phase = api::Phase::Invalid;
  release.status.message = "spec.strategy.canary.steps[0].setWeight: must be between 0 and 100";
  auto judgement = judgeOutcome(release);
  EXPECT_EQ(judgement.outcome, Outcome::Failed);
  EXPECT_EQ(judgement.reason, "the spec is invalid: spec.strategy.canary.steps[0].setWeight: must be between 0 and 100");
  EXPECT_FALSE(settled(release)) << "an invalid spec can be fixed; status --watch keeps watching";
}

TEST(ReleaseOutcomeTest, DegradedDuringARolloutFails) {
  auto object = fixture("canary_analysing.json");
  object["status"]["conditions"][2] = {{"type", "Degraded"}, {"status", "True"}, {"reason", "ModelVersionNotFound"},
                                       {"message", "version 2 of fraud-scorer is not in the registry"}};
  auto judgement = judgeOutcome(decodeRelease(object));
  EXPECT_EQ(judgement.outcome, Outcome::Failed);
  EXPECT_EQ(judgement.reason, "degraded (ModelVersionNotFound): version 2 of fraud-scorer is not in the registry");
}

}  // namespace
}  // namespace aviary::cli
