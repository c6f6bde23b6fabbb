#include "cli/status_view.h"

#include <algorithm>
#include <cstdio>
#include <iomanip>
#include <sstream>
#include <vector>

#include "aviary/api/router_kinds.h"

namespace aviary::cli {

namespace {

using api::Phase;

constexpr int kBarWidth = 24;
constexpr size_t kHistoryShown = 5;

std::string joined(const std::vector<std::string>& items, const char* separator = ", ") {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : separator) + item;
  return text;
}

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", value);
  return text;
}

std::string orDash(const std::string& text) { return text.empty() ? "-" : text; }

std::string gateList(const std::optional<api::AnalysisStep>& analysis) {
  return analysis && !analysis->gates.empty() ? joined(analysis->gates) : "(no gates)";
}

bool rolloutActive(const api::ModelReleaseStatus& status) {
  return !status.canaryVersion.empty() &&
         (status.phase == Phase::Progressing || status.phase == Phase::Paused || status.phase == Phase::AwaitingApproval);
}

std::string strategyText(const api::ModelReleaseSpec& spec) {
  if (spec.strategy.blueGreen) return "blue-green";
  if (!spec.strategy.canary) return "-";
  const auto& routing = spec.strategy.canary->trafficRouting;
  if (auto route = api::namedRoute(routing)) return "canary through " + std::string(route->router->wording) + " " + route->name;
  return "canary by " + std::string(api::routerOf(routing).wording);
}

// The version whose gates matter now: the canary's, else the one just rolled back, else the stable's.
std::string versionInQuestion(const api::ModelReleaseStatus& status) {
  if (!status.canaryVersion.empty()) return status.canaryVersion;
  if (status.phase == Phase::RolledBack && !status.rolledBackVersion.empty()) return status.rolledBackVersion;
  return status.stableVersion;
}

// Columns padded for an empty last cell leave spaces at line ends; they only get in the way.
std::string withoutTrailingSpaces(const std::string& text) {
  std::string out;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) out += line.substr(0, line.find_last_not_of(' ') + 1) + "\n";
  return out;
}

void field(std::ostream& out, const char* label, const std::string& value) {
  out << std::left << std::setw(13) << (std::string(label) + ":") << value << "\n";
}

void renderSteps(std::ostream& out, const api::ModelRelease& release) {
  const auto names = stepNames(release.spec);
  if (names.empty()) return;
  const auto& status = release.status;
  const bool active = rolloutActive(status);
  out << "\nSteps:\n";
  for (size_t i = 0; i < names.size(); ++i) {
    const auto index = static_cast<int32_t>(i);
    const char* marker = !active ? "   " : index < status.currentStepIndex ? " ok" : index == status.currentStepIndex ? " ->" : "   ";
    out << marker << " " << std::right << std::setw(2) << i + 1 << "  " << names[i] << "\n";
  }
}

std::string latestMeasurement(const api::GateStatus& gate) {
  if (gate.measurements.empty()) return "no measurement yet";
  const auto& m = gate.measurements.back();
  std::string text = m.value ? number(*m.value) : std::string(api::verdictName(m.verdict));
  if (m.baseline) text += " (baseline " + number(*m.baseline) + ")";
  if (!m.detail.empty()) text += " " + m.detail;
  return text;
}

void renderGates(std::ostream& out, const api::ModelRelease& release) {
  const auto lines = gateLines(release);
  if (lines.empty()) return;
  out << "\nGates (version " << versionInQuestion(release.status) << "):\n";
  for (const auto& line : lines) out << "  " << line << "\n";
}

void renderApprovals(std::ostream& out, const api::ModelRelease& release, const StatusViewOptions& options) {
  const auto& status = release.status;
  const auto& steps = release.spec.strategy.canary ? release.spec.strategy.canary->steps : std::vector<api::CanaryStep>{};
  const auto index = static_cast<size_t>(std::max(status.currentStepIndex, 0));
  if (status.phase == Phase::AwaitingApproval && index < steps.size() && steps[index].approval) {
    const auto& step = *steps[index].approval;
    std::vector<std::string> who = step.groups;
    who.insert(who.end(), step.users.begin(), step.users.end());
    out << "\nPending approval: step " << index + 1 << " waits for "
        << (who.empty() ? std::string("a release manager") : joined(who, " or ")) << "; run `" << options.program
        << " approve -n " << release.metadata.namespace_ << " " << release.metadata.name << "` (or reject)\n";
  }
  if (status.approvals.empty()) return;
  out << "\nApprovals:\n";
  for (const auto& record : status.approvals) {
    out << "  " << std::left << std::setw(16) << record.approvedBy << " " << std::setw(8) << record.decision << " step "
        << record.step + 1 << "  " << (record.accepted ? "accepted" : "ignored: " + record.message)
        << (record.comment.empty() ? "" : "  \"" + record.comment + "\"") << "  " << record.name << "\n";
  }
}

void renderConditions(std::ostream& out, const api::ModelReleaseStatus& status) {
  if (status.conditions.empty()) return;
  out << "\nConditions:\n";
  for (const auto& c : status.conditions) {
    out << "  " << std::left << std::setw(12) << c.type << " " << std::setw(7) << c.status << " " << std::setw(26)
        << c.reason << " " << c.message << "\n";
  }
}

void renderHistory(std::ostream& out, const api::ModelReleaseStatus& status) {
  if (status.history.empty()) return;
  out << "\nHistory:\n";
  const size_t first = status.history.size() > kHistoryShown ? status.history.size() - kHistoryShown : 0;
  for (size_t i = first; i < status.history.size(); ++i) {
    const auto& h = status.history[i];
    out << "  " << std::left << std::setw(20) << h.time << " version " << std::setw(6) << h.version << " "
        << std::setw(10) << h.outcome << " " << h.message << "\n";
  }
}

}  // namespace

std::vector<std::string> stepNames(const api::ModelReleaseSpec& spec) {
  std::vector<std::string> names;
  if (spec.strategy.canary) {
    for (const auto& step : spec.strategy.canary->steps) names.push_back(describeStep(step));
  } else if (spec.strategy.blueGreen) {
    const auto& bg = *spec.strategy.blueGreen;
    names = {"preview up",
             "pre-promotion analysis " + gateList(bg.prePromotionAnalysis),
             bg.autoPromote ? "promote automatically after " + std::to_string(bg.autoPromotionSeconds.value_or(0)) + "s"
                            : "promote (waits for `promote`)",
             "scale up preview, switch traffic",
             "post-promotion analysis " + gateList(bg.postPromotionAnalysis)};
  }
  return names;
}

namespace {

std::string headerConditions(const api::HeaderRoute& route) {
  std::vector<std::string> conditions;
  for (const auto& m : route.match) {
    if (m.exact) conditions.push_back(m.header + "=" + *m.exact);
    if (m.prefix) conditions.push_back(m.header + "=" + *m.prefix + "*");
    if (m.regex) conditions.push_back(m.header + "~" + *m.regex);
  }
  return joined(conditions, " ");
}

// "20%", or for a canary only mirrored "shadow (100% mirrored)": its answers reach nobody.
std::string trafficText(const api::ModelReleaseStatus& status) {
  std::string text = std::to_string(status.canaryWeight) + "%";
  if (status.mirrorPercent > 0) {
    const bool shadow = status.canaryWeight == 0 && status.headerRoutes.empty();
    text = shadow ? "shadow (" + std::to_string(status.mirrorPercent) + "% mirrored)"
                  : text + " + " + std::to_string(status.mirrorPercent) + "% mirrored";
  }
  return text;
}

}  // namespace

std::string describeStep(const api::CanaryStep& step) {
  if (step.setWeight) return "setWeight " + std::to_string(*step.setWeight);
  if (step.pause) return step.pause->duration ? "pause " + *step.pause->duration : "pause (until promoted)";
  if (step.analysis) return "analysis " + gateList(step.analysis);
  if (step.approval) {
    std::vector<std::string> who = step.approval->groups;
    who.insert(who.end(), step.approval->users.begin(), step.approval->users.end());
    return who.empty() ? "approval" : "approval by " + joined(who);
  }
  if (step.setMirror) return "setMirror " + std::to_string(step.setMirror->percent) + "%";
  if (step.setHeaderRoute) {
    const auto& route = *step.setHeaderRoute;
    return route.match.empty() ? "setHeaderRoute " + route.name + " (remove)"
                               : "setHeaderRoute " + route.name + " " + headerConditions(route);
  }
  return "?";
}

std::vector<std::string> gateLines(const api::ModelRelease& release) {
  const std::string version = versionInQuestion(release.status);
  std::vector<std::string> lines;
  for (const auto& gate : release.status.gates) {
    if (!gate.stage.empty() && !gate.stage.starts_with(version + "/")) continue;
    std::ostringstream line;
    line << std::left << std::setw(16) << gate.name << " " << std::setw(12) << api::verdictName(gate.verdict) << " last "
         << latestMeasurement(gate) << "  [" << gate.judge << "]  " << gate.successes << " passed, " << gate.failures
         << " failed, " << gate.inconclusives << " inconclusive, " << gate.errors << " errors"
         << (gate.stage.empty() ? "" : "  stage " + gate.stage) << (gate.stopped ? " (stopped)" : "");
    lines.push_back(line.str());
  }
  return lines;
}

std::string progressBar(int done, int total, int width) {
  const int filled = total <= 0 ? 0 : std::clamp(done * width / total, 0, width);
  return "[" + std::string(static_cast<size_t>(filled), '#') + std::string(static_cast<size_t>(width - filled), '-') + "]";
}

std::string summaryLine(const api::ModelRelease& release) {
  const auto& status = release.status;
  std::ostringstream out;
  out << api::phaseName(status.phase) << "  stable " << orDash(status.stableVersion);
  if (rolloutActive(status)) {
    const auto names = stepNames(release.spec);
    const auto index = static_cast<size_t>(std::max(status.currentStepIndex, 0));
    out << "  canary " << status.canaryVersion << "  step " << index + 1 << "/" << names.size();
    if (index < names.size()) out << " " << names[index];
    out << "  weight " << trafficText(status);
  }
  if (!status.message.empty()) out << ": " << status.message;
  return out.str();
}

std::string renderStatus(const api::ModelRelease& release, const StatusViewOptions& options) {
  const auto& meta = release.metadata;
  const auto& status = release.status;
  std::ostringstream out;
  field(out, "Name", meta.name);
  field(out, "Namespace", meta.namespace_);
  field(out, "Model", release.spec.model.name + " version " + release.spec.model.version);
  field(out, "Strategy", strategyText(release.spec));
  field(out, "Phase", api::phaseName(status.phase));
  if (status.observedGeneration < meta.generation) {
    field(out, "Observed", "generation " + std::to_string(status.observedGeneration) + " of " +
                               std::to_string(meta.generation) + " (the operator has not acted on the latest spec yet)");
  }
  if (!status.message.empty()) field(out, "Message", status.message);
  field(out, "Stable", orDash(status.stableVersion));
  field(out, "Canary", orDash(status.canaryVersion));
  field(out, "Weight", trafficText(status));
  if (!status.headerRoutes.empty()) {
    std::vector<std::string> routes;
    for (const auto& route : status.headerRoutes) routes.push_back(route.name + " (" + headerConditions(route) + ")");
    field(out, "Header route", joined(routes) + " → version " + status.canaryVersion);
  }
  if (!status.rolledBackVersion.empty()) field(out, "Rolled back", status.rolledBackVersion);
  if (rolloutActive(status)) {
    const int total = static_cast<int>(stepNames(release.spec).size());
    field(out, "Progress", progressBar(status.currentStepIndex, total, kBarWidth) + " step " +
                               std::to_string(status.currentStepIndex + 1) + " of " + std::to_string(total) + ", " +
                               std::to_string(status.canaryWeight) + "% of traffic on " + status.canaryVersion);
  }
  renderSteps(out, release);
  renderGates(out, release);
  renderApprovals(out, release, options);
  renderConditions(out, status);
  renderHistory(out, status);
  return withoutTrailingSpaces(out.str());
}

}  // namespace aviary::cli
