#include "api/field_path.h"
#include "api/validate_parts.h"

#include <algorithm>
#include <cctype>
#include <regex>

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

// An HTTP header name (RFC 9110 token), as Gateway API and Istio accept it.
bool headerName(const std::string& name) {
  static const std::string kSymbols = "!#$%&'*+-.^_`|~";
  return !name.empty() && name.size() <= 256 && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || kSymbols.find(c) != std::string::npos;
  });
}

void validateHeaderRoute(const std::string& path, const HeaderRoute& route, Findings& findings) {
  findings.dnsLabel(path + ".name", route.name);
  for (size_t i = 0; i < route.match.size(); ++i) {
    const std::string at = indexPath(path + ".match", i);
    const HeaderMatch& m = route.match[i];
    if (!headerName(m.header)) findings.add(at + ".header", "must be an HTTP header name (letters, digits, !#$%&'*+-.^_`|~), got \"" + m.header + "\"");
    findings.exactlyOne(at, {{"exact", m.exact.has_value()}, {"prefix", m.prefix.has_value()}, {"regex", m.regex.has_value()}});
    if (m.regex) {
      try {
        std::regex compiled(*m.regex);
      } catch (const std::regex_error&) {
        findings.add(at + ".regex", "\"" + *m.regex + "\" is not a regular expression");
      }
    }
  }
}

void validateStep(const std::string& path, const CanaryStep& step, const AnalysisSpec& analysis, Findings& findings) {
  findings.exactlyOne(path, {{"setWeight", step.setWeight.has_value()},
                             {"pause", step.pause.has_value()},
                             {"analysis", step.analysis.has_value()},
                             {"approval", step.approval.has_value()},
                             {"setMirror", step.setMirror.has_value()},
                             {"setHeaderRoute", step.setHeaderRoute.has_value()}});
  if (step.setWeight) findings.range(path + ".setWeight", *step.setWeight, 0, 100);
  if (step.setMirror) findings.range(path + ".setMirror.percent", step.setMirror->percent, 0, 100);
  if (step.setHeaderRoute) validateHeaderRoute(path + ".setHeaderRoute", *step.setHeaderRoute, findings);
  if (step.pause) findings.duration(path + ".pause.duration", step.pause->duration);
  if (step.analysis) validateGateReferences(path + ".analysis", *step.analysis, analysis, findings);
  if (step.approval) validateApprovalStep(path + ".approval", *step.approval, findings);
}

// The replica ratio splits by pods behind one Service: it can neither copy a request nor look at it.
void validateMeshOnlySteps(const CanaryStrategy& canary, Findings& findings) {
  if (canary.trafficRouting.gatewayAPI || canary.trafficRouting.istio) return;
  for (size_t i = 0; i < canary.steps.size(); ++i) {
    const std::string path = indexPath("spec.strategy.canary.steps", i);
    if (canary.steps[i].setMirror) {
      findings.add(path + ".setMirror", "needs trafficRouting (gatewayAPI or istio): the replica ratio cannot mirror requests");
    }
    if (canary.steps[i].setHeaderRoute) {
      findings.add(path + ".setHeaderRoute",
                   "needs trafficRouting (gatewayAPI or istio): the replica ratio cannot route by header");
    }
  }
}

void validateCanary(const CanaryStrategy& canary, const AnalysisSpec& analysis, Findings& findings) {
  const std::string path = "spec.strategy.canary";
  validateTrafficRouting(canary.trafficRouting, findings);
  for (size_t i = 0; i < canary.steps.size(); ++i) {
    validateStep(indexPath(path + ".steps", i), canary.steps[i], analysis, findings);
  }
  validateMeshOnlySteps(canary, findings);
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
