#include "aviary/notify/notification.h"

#include <functional>

#include <gtest/gtest.h>

namespace aviary::notify {
namespace {

using api::Phase;

api::ModelRelease releaseIn(Phase phase) {
  api::ModelRelease release;
  release.metadata.namespace_ = "ml";
  release.metadata.name = "fraud";
  release.spec.model = {"fraud-model", "8"};
  release.status.phase = phase;
  release.status.stableVersion = "7";
  return release;
}

// The notification of a release in phase `from` when a pass writes the status `edit` makes of its own.
ReleaseNotification changeOf(Phase from, const std::function<void(api::ModelReleaseStatus&)>& edit) {
  const auto before = releaseIn(from);
  api::ModelReleaseStatus written = before.status;
  edit(written);
  auto change = phaseChange(before, written, TimePoint{});
  EXPECT_TRUE(change.has_value());
  return change.value_or(ReleaseNotification{});
}

TEST(PhaseChange, NothingWhenThePhaseStaysTheSame) {
  const auto before = releaseIn(Phase::Progressing);
  api::ModelReleaseStatus written = before.status;
  written.canaryWeight = 50;  // a step, not a phase change
  EXPECT_FALSE(phaseChange(before, written, TimePoint{}).has_value());
}

TEST(PhaseChange, CarriesTheWrittenStatusAndThePreviousPhase) {
  const auto before = releaseIn(Phase::Promoted);
  api::ModelReleaseStatus written = before.status;
  written.phase = Phase::Progressing;
  written.canaryVersion = "8";
  written.canaryWeight = 10;
  written.message = "step 1/3: 10% of traffic on version 8";
  const TimePoint now = TimePoint{} + std::chrono::hours(1);
  auto change = phaseChange(before, written, now);
  ASSERT_TRUE(change.has_value());
  EXPECT_EQ(change->namespace_, "ml");
  EXPECT_EQ(change->release, "fraud");
  EXPECT_EQ(change->model, "fraud-model");
  EXPECT_EQ(change->phase, Phase::Progressing);
  EXPECT_EQ(change->previousPhase, Phase::Promoted);
  EXPECT_EQ(change->version, "8");
  EXPECT_EQ(change->stableVersion, "7");
  EXPECT_EQ(change->canaryVersion, "8");
  EXPECT_EQ(change->weight, 10);
  EXPECT_EQ(change->message, written.message);
  EXPECT_EQ(change->time, now);
  EXPECT_EQ(change->severity(), Severity::Info);
  EXPECT_EQ(change->summary(), "version 8 rolling out at 10%");
}

TEST(PhaseChange, NamesThePromotedVersionOnceTheCanaryIsGone) {
  const auto change = changeOf(Phase::AwaitingApproval, [](api::ModelReleaseStatus& s) {
    s.phase = Phase::Promoted;
    s.stableVersion = "8";
  });
  EXPECT_EQ(change.version, "8");
  EXPECT_EQ(change.severity(), Severity::Info);
  EXPECT_EQ(change.summary(), "version 8 promoted");
}

TEST(PhaseChange, NamesTheRolledBackVersionAsAWarning) {
  const auto change = changeOf(Phase::Progressing, [](api::ModelReleaseStatus& s) {
    s.phase = Phase::RolledBack;
    s.rolledBackVersion = "8";
  });
  EXPECT_EQ(change.version, "8");
  EXPECT_EQ(change.severity(), Severity::Warning);
  EXPECT_EQ(change.summary(), "version 8 rolled back");
}

TEST(PhaseChange, AnInvalidSpecIsAWarning) {
  const auto change = changeOf(Phase::Pending, [](api::ModelReleaseStatus& s) { s.phase = Phase::Invalid; });
  EXPECT_EQ(change.severity(), Severity::Warning);
  EXPECT_EQ(change.summary(), "spec invalid");
}

}  // namespace
}  // namespace aviary::notify
