#include "aviary/release/actions.h"

#include <sstream>

namespace aviary::release {
namespace {

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

struct Describer {
  std::string operator()(const EnsureDeployment& a) const {
    return "EnsureDeployment(" + a.version + " replicas=" + std::to_string(a.replicas) + ")";
  }
  std::string operator()(const ScaleDeployment& a) const {
    return "ScaleDeployment(" + a.version + " replicas=" + std::to_string(a.replicas) + ")";
  }
  std::string operator()(const DeleteDeployment& a) const { return "DeleteDeployment(" + a.version + ")"; }
  std::string operator()(const EnsureServices& a) const {
    return "EnsureServices(stable=" + a.stableVersion + " canary=" + a.canaryVersion + ")";
  }
  std::string operator()(const SetTraffic& a) const {
    std::string routes;
    for (const auto& route : a.headerRoutes) routes += (routes.empty() ? "" : ",") + route.name;
    return "SetTraffic(stable=" + a.stableVersion + " canary=" + a.canaryVersion +
           " weight=" + std::to_string(a.canaryWeight) +
           (a.mirrorPercent ? " mirror=" + std::to_string(a.mirrorPercent) : std::string()) +
           (routes.empty() ? std::string() : " headerRoutes=" + routes) + ")";
  }
  std::string operator()(const StartAnalysis& a) const {
    return "StartAnalysis(" + a.stage + " gates=" + joined(a.gates) + ")";
  }
  std::string operator()(const StopAnalysis& a) const { return "StopAnalysis(" + a.stage + ")"; }
  std::string operator()(const RecordEvent& a) const {
    return std::string("RecordEvent(") + (a.type == EventType::Warning ? "Warning " : "Normal ") + a.reason +
           ": " + a.message + ")";
  }
  std::string operator()(const MarkRequestHandled& a) const { return "MarkRequestHandled(" + a.id + ")"; }
};

}  // namespace

std::string describe(const Action& action) { return std::visit(Describer{}, action); }

std::string stepStage(const std::string& version, int32_t stepIndex) {
  return version + "/step-" + std::to_string(stepIndex);
}
std::string backgroundStage(const std::string& version) { return version + "/background"; }
std::string prePromotionStage(const std::string& version) { return version + "/pre-promotion"; }
std::string postPromotionStage(const std::string& version) { return version + "/post-promotion"; }

}  // namespace aviary::release
