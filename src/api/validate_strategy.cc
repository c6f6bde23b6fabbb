#include "api/field_path.h"
#include "api/validate_parts.h"

#include <algorithm>

namespace aviary::api::detail {

namespace {

void validateTrafficRouting(const TrafficRouting& routing, Findings& findings) {
  const std::string path = "spec.strategy.canary.trafficRouting";
  if (routing.gatewayAPI && routing.istio) {
    findings.add(path, "must set at most one of gatewayAPI, istio (found both; none = replica ratio)");
  }
  if (routing.gatewayAPI) findings.dnsSubdomain(path + ".gatewayAPI.httpRoute", routing.gatewayAPI->httpRoute);
  if (routing.istio) {
    findings.dnsSubdomain(path + ".istio.virtualService", routing.istio->virtualService);
    for (size_t i = 0; i < routing.istio->routes.size(); ++i) {
      findings.nonEmpty(indexPath(path + ".istio.routes", i), routing.istio->routes[i]);
    }
  }
}

void validateApprovalStep(const std::string& path, const ApprovalStep& approval, Findings& findings) {
  for (size_t i = 0; i < approval.groups.size(); ++i) {
    findings.nonEmpty(indexPath(path + ".groups", i), approval.groups[i]);
  }
  for (size_t i = 0; i < approval.users.size(); ++i) {
    findings.nonEmpty(indexPath(path + ".users", i), approval.users[i]);
  }
}

void validateStep(const std::string& path, const CanaryStep& step, const AnalysisSpec& analysis, Findings& findings) {
  findings.exactlyOne(path, {{"setWeight", step.setWeight.has_value()},
                             {"pause", step.pause.has_value()},
                             {"analysis", step.analysis.has_value()},
                             {"approval", step.approval.has_value()}});
  if (step.setWeight) findings.range(path + ".setWeight", *step.setWeight, 0, 100);
  if (step.pause) findings.duration(path + ".pause.duration", step.pause->duration);
  if (step.analysis) validateGateReferences(path + ".analysis", *step.analysis, analysis, findings);
  if (step.approval) validateApprovalStep(path + ".approval", *step.approval, findings);
}

void validateCanary(const CanaryStrategy& canary, const AnalysisSpec& analysis, Findings& findings) {
  const std::string path = "spec.strategy.canary";
  validateTrafficRouting(canary.trafficRouting, findings);
  for (size_t i = 0; i < canary.steps.size(); ++i) {
    validateStep(indexPath(path + ".steps", i), canary.steps[i], analysis, findings);
  }
  if (canary.backgroundAnalysis) {
    validateGateReferences(path + ".backgroundAnalysis", *canary.backgroundAnalysis, analysis, findings);
  }
  findings.duration(path + ".scaleDownDelay", canary.scaleDownDelay);
}

void validateBlueGreen(const BlueGreenStrategy& blueGreen, const AnalysisSpec& analysis, Findings& findings) {
  const std::string path = "spec.strategy.blueGreen";
  if (blueGreen.autoPromotionSeconds) {
    findings.atLeast(path + ".autoPromotionSeconds", *blueGreen.autoPromotionSeconds, 0);
    if (!blueGreen.autoPromote) findings.add(path + ".autoPromotionSeconds", "needs autoPromote: true");
  }
  if (blueGreen.previewReplicas) findings.atLeast(path + ".previewReplicas", *blueGreen.previewReplicas, 0);
  if (blueGreen.prePromotionAnalysis) {
    validateGateReferences(path + ".prePromotionAnalysis", *blueGreen.prePromotionAnalysis, analysis, findings);
  }
  if (blueGreen.postPromotionAnalysis) {
    validateGateReferences(path + ".postPromotionAnalysis", *blueGreen.postPromotionAnalysis, analysis, findings);
  }
  findings.duration(path + ".scaleDownDelay", blueGreen.scaleDownDelay);
}

}  // namespace

void validateGateReferences(const std::string& path, const AnalysisStep& step, const AnalysisSpec& analysis,
                            Findings& findings) {
  if (step.gates.empty()) return findings.add(path + ".gates", "must name at least one gate");
  for (size_t i = 0; i < step.gates.size(); ++i) {
    const std::string& name = step.gates[i];
    const bool defined = std::any_of(analysis.gates.begin(), analysis.gates.end(),
                                     [&](const Gate& gate) { return gate.name == name; });
    if (!defined) {
      findings.add(indexPath(path + ".gates", i), "no gate named \"" + name + "\" in spec.analysis.gates");
    }
  }
}

void validateStrategy(const ModelReleaseSpec& spec, Findings& findings) {
  const Strategy& strategy = spec.strategy;
  findings.exactlyOne("spec.strategy", {{"canary", strategy.canary.has_value()}, {"blueGreen", strategy.blueGreen.has_value()}});
  if (strategy.canary) validateCanary(*strategy.canary, spec.analysis, findings);
  if (strategy.blueGreen) validateBlueGreen(*strategy.blueGreen, spec.analysis, findings);
}

}  // namespace aviary::api::detail
