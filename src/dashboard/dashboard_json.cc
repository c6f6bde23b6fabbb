#include "dashboard/dashboard_json.h"

#include <chrono>
#include <algorithm>
#include <cctype>
#include <cstdio>

#include "aviary/analysis/provider.h"
#include "aviary/api/decode.h"
#include "cli/status_view.h"

namespace aviary::dashboard {

namespace {

using Json = nlohmann::json;

Json at(const Json& object, const char* pointer, Json fallback) {
  const Json::json_pointer path(pointer);
  return object.contains(path) ? object.at(path) : fallback;
}

std::string text(const Json& object, const char* pointer) {
  Json value = at(object, pointer, "");
  return value.is_string() ? value.get<std::string>() : "";
}

std::string percentEncode(const std::string& value) {
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char escaped[4];
      std::snprintf(escaped, sizeof escaped, "%%%02X", c);
      out += escaped;
    }
  }
  return out;
}

// Links are made only to http(s) servers: a release's author must not be able to plant a javascript:
// URL in the page of whoever views it (the CSP would refuse to run it; this keeps it out altogether).
bool webUrl(const std::string& url) { return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0; }

std::string trimSlash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

// Each gate's latest verdict (status lists a gate once per stage, oldest stage first): the list shows
// what decided the last analysis even after its stage ended, as a rolled back release's failed gate.
Json latestGateVerdicts(const Json& status) {
  Json gates = Json::array();
  for (const Json& gate : status.value("gates", Json::array())) {
    const std::string name = gate.value("name", "");
    auto same = std::find_if(gates.begin(), gates.end(), [&](const Json& g) { return g["name"] == name; });
    if (same == gates.end()) {
      gates.push_back({{"name", name}, {"verdict", gate.value("verdict", "")}});
    } else {
      (*same)["verdict"] = gate.value("verdict", "");
    }
  }
  return gates;
}

// The pipeline: a canary's steps, or blue-green's fixed stages (both counted by currentStepIndex).
Json steps(const nlohmann::json& release) {
  Json out = Json::array();
  api::FieldErrors ignored;
  const api::ModelRelease typed = api::decodeModelRelease(release, ignored);
  const auto& status = typed.status;
  const bool promoted = status.phase == api::Phase::Promoted;
  const bool rolling = !status.canaryVersion.empty();
  const auto names = cli::stepNames(typed.spec);
  for (std::size_t i = 0; i < names.size(); ++i) {
    const auto index = static_cast<int32_t>(i);
    std::string state = "todo";
    if (promoted || (rolling && index < status.currentStepIndex)) state = "done";
    if (rolling && index == status.currentStepIndex) state = "current";
    out.push_back({{"index", index}, {"text", names[i]}, {"state", state}});
  }
  return out;
}

const Json* gateSpec(const Json& release, const std::string& name) {
  const Json::json_pointer path("/spec/analysis/gates");
  if (!release.contains(path)) return nullptr;
  for (const Json& gate : release.at(path)) {
    if (gate.value("name", "") == name) return &gate;
  }
  return nullptr;
}

analysis::QueryContext queryContext(const Json& release, const Json& gate, TimePoint now) {
  analysis::QueryContext context;
  context.namespace_ = text(release, "/metadata/namespace");
  context.release = text(release, "/metadata/name");
  const std::string canary = text(release, "/status/canaryVersion");
  context.baselineVersion = text(release, "/status/stableVersion");
  context.version = canary.empty() ? context.baselineVersion : canary;
  TimePoint started;
  if (parseRfc3339(gate.value("startedAt", ""), started)) {
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now - started).count();
    context.elapsed = std::to_string(std::max<long long>(1, seconds)) + "s";
    context.stageStart = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(started.time_since_epoch()).count());
  }
  return context;
}

// The measurements of this gate's stage from the history (every one since the rollout began), or
// status's last ten when the history has none (an operator restarted mid-rollout).
Json measurements(const Json& gate, const Json& history) {
  Json out = Json::array();
  const std::string stage = gate.value("stage", "");
  const Json ring = history.value("gates", Json::object()).value(gate.value("name", ""), Json::array());
  for (const Json& point : ring) {
    if (point.value("stage", "") == stage) out.push_back(point);
  }
  if (!out.empty()) return out;
  for (Json point : gate.value("measurements", Json::array())) {
    point["stage"] = stage;
    out.push_back(std::move(point));
  }
  return out;
}

Json gateDetail(const Json& release, const Json& gate, const Json& history, TimePoint now) {
  Json out = {{"name", gate.value("name", "")},
              {"stage", gate.value("stage", "")},
              {"stopped", gate.value("stopped", false)},
              {"judge", gate.value("judge", "")},
              {"verdict", gate.value("verdict", "")},
              {"successes", gate.value("successes", 0)},
              {"failures", gate.value("failures", 0)},
              {"inconclusives", gate.value("inconclusives", 0)},
              {"errors", gate.value("errors", 0)},
              {"measurements", measurements(gate, history)}};
  if (gate.contains("sequential")) {
    const Json& sequential = gate["sequential"];
    Json numbers = Json::object();
    for (const char* field : {"pValue", "eValue", "ratioLow", "ratioHigh", "looks", "decision", "reason"}) {
      if (sequential.contains(field)) numbers[field] = sequential[field];
    }
    out["sequential"] = numbers;
  }
  if (const Json* spec = gateSpec(release, out["name"])) {
    if (spec->contains("threshold")) out["threshold"] = (*spec)["threshold"];
    if (spec->contains("compare")) out["compare"] = (*spec)["compare"];
    for (const char* provider : {"prometheus", "command", "webhook"}) {
      if (spec->contains(provider)) out["provider"] = provider;
    }
    if (spec->contains("prometheus")) {
      const Json& prometheus = (*spec)["prometheus"];
      const std::string query = analysis::renderTemplate(prometheus.value("query", ""), queryContext(release, gate, now));
      out["query"] = query;
      if (webUrl(prometheus.value("address", ""))) out["queryUrl"] = prometheusGraphUrl(prometheus.value("address", ""), query);
    }
  }
  return out;
}

}  // namespace

std::string prometheusGraphUrl(const std::string& address, const std::string& query) {
  return trimSlash(address) + "/graph?g0.expr=" + percentEncode(query) + "&g0.tab=0";
}

Json releaseSummary(const Json& release) {
  const Json status = release.value("status", Json::object());
  const Json::json_pointer stepsPath("/spec/strategy/canary/steps");
  return {{"namespace", text(release, "/metadata/namespace")},
          {"name", text(release, "/metadata/name")},
          {"model", text(release, "/spec/model/name")},
          {"version", text(release, "/spec/model/version")},
          {"strategy", release.contains(stepsPath) ? "canary" : "blueGreen"},
          {"phase", status.value("phase", "Pending")},
          {"message", status.value("message", "")},
          {"stableVersion", status.value("stableVersion", "")},
          {"canaryVersion", status.value("canaryVersion", "")},
          {"weight", status.value("canaryWeight", 0)},
          {"mirror", status.value("mirrorPercent", 0)},
          {"step", status.value("currentStepIndex", 0)},
          {"steps", release.contains(stepsPath) ? release.at(stepsPath).size() : 0},
          {"gates", latestGateVerdicts(status)},
          {"created", text(release, "/metadata/creationTimestamp")},
          {"rolloutStartedAt", status.value("rolloutStartedAt", "")}};
}

Json releaseDetail(const Json& release, const Json& history, const std::vector<std::string>& actions, TimePoint now) {
  const Json status = release.value("status", Json::object());
  Json gates = Json::array();
  for (const Json& gate : status.value("gates", Json::array())) gates.push_back(gateDetail(release, gate, history, now));
  Json links = Json::object();
  if (const std::string mlflow = text(release, "/spec/registry/mlflow/url"); webUrl(mlflow)) {
    const std::string model = text(release, "/spec/model/name");
    links["mlflowModel"] = trimSlash(mlflow) + "/#/models/" + percentEncode(model);
    links["mlflowVersion"] = trimSlash(mlflow) + "/#/models/" + percentEncode(model) + "/versions/" +
                             percentEncode(text(release, "/spec/model/version"));
  }
  return {{"release", releaseSummary(release)},
          {"steps", steps(release)},
          {"routing",
           {{"weight", status.value("canaryWeight", 0)},
            {"mirror", status.value("mirrorPercent", 0)},
            {"headerRoutes", status.value("headerRoutes", Json::array())}}},
          {"traffic", history.value("traffic", Json::array())},
          {"gates", gates},
          {"approvals", status.value("approvals", Json::array())},
          {"history", status.value("history", Json::array())},
          {"conditions", status.value("conditions", Json::array())},
          {"links", links},
          {"actions", actions}};
}

}  // namespace aviary::dashboard
