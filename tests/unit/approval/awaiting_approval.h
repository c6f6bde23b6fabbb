#pragma once
// The release the approval tests judge: "fraud" in "ml" at generation 4, a canary of three steps
// (10% → approval → 100%) waiting at the approval step (index 1).

#include "aviary/api/model_release.h"

namespace aviary::testing {

inline api::ModelRelease releaseAwaitingApproval(api::ApprovalStep step = {}) {
  api::ModelRelease release;
  release.metadata.name = "fraud";
  release.metadata.namespace_ = "ml";
  release.metadata.generation = 4;
  api::CanaryStrategy canary;
  canary.steps.resize(3);
  canary.steps[0].setWeight = 10;
  canary.steps[1].approval = std::move(step);
  canary.steps[2].setWeight = 100;
  release.spec.strategy.canary = canary;
  release.status.phase = api::Phase::AwaitingApproval;
  release.status.currentStepIndex = 1;
  return release;
}

}  // namespace aviary::testing
