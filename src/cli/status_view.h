#pragma once
// How `aviary status` and `aviary wait` show a release, from its decoded object alone (pure, so
// tests render JSON fixtures). Steps are numbered from 1, like the operator's messages ("step 2/5").

#include <string>
#include <vector>

#include "aviary/api/model_release.h"

namespace aviary::cli {

struct StatusViewOptions {
  std::string program = "aviary";  // for the hints it prints ("aviary approve -n ml x")
};

// The full view: versions, phase and message, steps with the current one marked, a progress bar
// while a rollout is under way, gates of the version in question, approvals (pending and judged),
// conditions, the last history entries. Ends with a newline.
std::string renderStatus(const api::ModelRelease& release, const StatusViewOptions& options = {});

// One line: "Paused  stable 1  canary 2  step 2/3 pause  weight 25%: step 2/3: paused until promoted".
std::string summaryLine(const api::ModelRelease& release);

// One line per gate of the version in question (the canary's; after a rollback, the rolled back
// version's; else the stable's): name, verdict, the latest measurement, judge, counts, stage.
std::vector<std::string> gateLines(const api::ModelRelease& release);

// "[#####---------------]": filled in proportion to done/total (clamped).
std::string progressBar(int done, int total, int width);

// The steps as the user wrote them (describeStep); for blue-green, the fixed stages
// status.currentStepIndex counts ("preview up", "pre-promotion analysis …", …).
std::vector<std::string> stepNames(const api::ModelReleaseSpec& spec);

// "setWeight 25", "pause 5s", "pause (until promoted)", "analysis error-rate, latency",
// "approval by release-managers, alice".
std::string describeStep(const api::CanaryStep& step);

}  // namespace aviary::cli
