#pragma once
// Canary steps as tests write them: weightStep(20), pauseStep("5s"), analysisStep({"error-rate"}),
// approvalStep().

#include <optional>
#include <string>
#include <vector>

#include "aviary/api/model_release.h"

namespace aviary::testing {

inline api::CanaryStep weightStep(int32_t weight) {
  api::CanaryStep step;
  step.setWeight = weight;
  return step;
}
inline api::CanaryStep pauseStep(std::optional<std::string> duration) {
  api::CanaryStep step;
  step.pause = api::PauseStep{std::move(duration)};
  return step;
}
inline api::CanaryStep analysisStep(std::vector<std::string> gates = {"error-rate"}) {
  api::CanaryStep step;
  step.analysis = api::AnalysisStep{std::move(gates)};
  return step;
}
inline api::CanaryStep approvalStep() {
  api::CanaryStep step;
  step.approval = api::ApprovalStep{{"release-managers"}, {}};
  return step;
}

}  // namespace aviary::testing
