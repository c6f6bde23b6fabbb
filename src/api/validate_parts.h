#pragma once
// The parts validate(ModelRelease) is made of, one file each.

#include "api/findings.h"
#include "aviary/api/model_release.h"

namespace aviary::api::detail {

void validateStrategy(const ModelReleaseSpec& spec, Findings& findings);  // spec.strategy
void validateAnalysis(const AnalysisSpec& analysis, Findings& findings);  // spec.analysis
void validateNotifications(const std::vector<NotificationSpec>& notifications, Findings& findings);  // spec.notifications
// Each gate named by an analysis step (or background / pre / post-promotion analysis) exists.
void validateGateReferences(const std::string& path, const AnalysisStep& step, const AnalysisSpec& analysis,
                            Findings& findings);

}  // namespace aviary::api::detail
