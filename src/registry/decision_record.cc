#include "aviary/registry/decision_record.h"

#include <algorithm>
#include <cstdlib>

namespace aviary::registry {

namespace {

using Json = nlohmann::json;

std::string joined(const std::vector<std::string>& items, const char* separator = ",") {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

// A judge's detail carries its statistics as "p=0.003 e=41.2 …": the number after `label`.
std::optional<double> numberAfter(const std::string& detail, const std::string& label) {
  for (size_t at = detail.find(label); at != std::string::npos; at = detail.find(label, at + 1)) {
    if (at != 0 && detail[at - 1] != ' ') continue;
    const char* start = detail.c_str() + at + label.size();
    char* end = nullptr;
    double value = std::strtod(start, &end);
    if (end != start) return value;
  }
  return std::nullopt;
}

// The step a stage belongs to ("7/step-2" → 2); background and blue-green stages take the current step.
int32_t stageStep(const std::string& stage, int32_t current) {
  auto at = stage.rfind("/step-");
  if (at == std::string::npos) return current;
  return std::atoi(stage.c_str() + at + 6);
}

void addEvent(api::DecisionRecordStatus& record, api::RecordEvent event) {
  if (record.events.size() >= kMaxRecordEvents) return;  // the outcome still lands: it is a field, not an event
  record.events.push_back(std::move(event));
}

// Bounds the points: points MLflow already has go first; then the oldest unsent, counted as dropped.
void addPoint(api::DecisionRecordStatus& record, api::RecordPoint point) {
  if (record.points.size() >= kMaxRecordPoints) {
    record.points.erase(record.points.begin());
    if (record.sentPoints > 0) {
      --record.sentPoints;
      ++record.prunedPoints;
    } else {
      ++record.droppedPoints;
    }
  }
  record.points.push_back(std::move(point));
}

api::DecisionRecordStatus* openRecord(std::vector<api::DecisionRecordStatus>& records) {
  for (auto it = records.rbegin(); it != records.rend(); ++it) {
    if (it->outcome.empty()) return &*it;
  }
  return nullptr;
}

// The history entry that ends `record`, if this pass (or an earlier one) wrote it.
const api::HistoryEntry* ending(const api::DecisionRecordStatus& record, const std::vector<api::HistoryEntry>& history) {
  for (auto it = history.rbegin(); it != history.rend(); ++it) {
    if (it->version == record.version && it->time >= record.startedAt) return &*it;
  }
  return nullptr;
}

void close(api::DecisionRecordStatus& record, const std::string& outcome, const std::string& reason,
           const std::string& time, int32_t step) {
  record.outcome = outcome;
  record.reason = reason;
  record.endedAt = time;
  addEvent(record, {"decision", time, step, outcome, "", "", "", reason});
}

// Blue-green: the switch makes the new version stable before its postPromotionAnalysis has judged it,
// and a failing reading still switches back. Until the history says how it ended, the rollout runs.
bool verifyingAfterSwitch(const api::DecisionRecordStatus& record, const api::ModelReleaseStatus& next) {
  const bool running = next.phase == api::Phase::Progressing || next.phase == api::Phase::Paused ||
                       next.phase == api::Phase::RollingBack;
  return record.strategy == "blueGreen" && next.canaryVersion.empty() && next.stableVersion == record.version && running;
}

void trim(std::vector<api::DecisionRecordStatus>& records) {
  while (records.size() > kMaxDecisionRecords) {
    // The oldest whose run MLflow has complete goes first; if none is (MLflow away for three rollouts,
    // or no MLflow at all), the oldest.
    auto done = std::find_if(records.begin(), records.end(), [](const api::DecisionRecordStatus& r) {
      return !r.outcome.empty() && r.runEnded;
    });
    records.erase(done == records.end() ? records.begin() : done);
  }
}

api::DecisionRecordStatus startRecord(const api::ModelRelease& before, const api::ModelReleaseStatus& next,
                                      int32_t number) {
  api::DecisionRecordStatus record;
  record.rollout = number;
  record.version = next.canaryVersion;
  record.baselineVersion = next.stableVersion;
  record.strategy = api::isBlueGreen(before.spec) ? "blueGreen" : "canary";
  record.startedAt = next.rolloutStartedAt;
  return record;
}

void recordStepAndPhase(api::DecisionRecordStatus& record, const api::ModelRelease& before,
                        const api::ModelReleaseStatus& next, bool opened, const std::string& time) {
  const bool stepChanged = opened || before.status.currentStepIndex != next.currentStepIndex;
  if (record.strategy == "canary" && stepChanged) {
    addEvent(record, {"step", time, next.currentStepIndex, describeStep(before.spec, next.currentStepIndex), "", "", "", ""});
  }
  if (opened || before.status.phase != next.phase) {
    addEvent(record, {"phase", time, next.currentStepIndex, api::phaseName(next.phase), "", "", "", next.message});
  }
  if (opened || before.status.canaryWeight != next.canaryWeight) {
    api::RecordPoint weight;
    weight.time = time;
    weight.step = next.currentStepIndex;
    weight.value = next.canaryWeight;
    addPoint(record, std::move(weight));
  }
}

void addFacts(api::DecisionRecordStatus& record, const PassFacts& facts, const api::ModelReleaseStatus& next,
              const std::string& time) {
  for (const auto& request : facts.requests) {
    addEvent(record, {"request", time, next.currentStepIndex, request.action, request.requestedBy, "", "",
                      request.requestedBy.empty() ? kUnverifiedRequester : ""});
  }
  for (const auto& a : facts.approvals) {
    addEvent(record, {"approval", a.time.empty() ? time : a.time, a.step, a.name, a.approvedBy, a.decision, a.comment,
                      a.accepted ? "accepted" : "ignored: " + a.message});
  }
  for (const auto& r : facts.readings) {
    if (r.measurement.verdict == api::Verdict::NoData) continue;  // retried, not counted (status.gates[] agrees)
    api::RecordPoint point;
    point.gate = r.gate;
    point.time = r.measurement.time.empty() ? time : r.measurement.time;
    point.step = stageStep(r.stage, next.currentStepIndex);
    point.verdict = r.measurement.verdict;
    point.value = r.measurement.value;
    point.baseline = r.measurement.baseline;
    point.pValue = numberAfter(r.measurement.detail, "p=");
    point.eValue = numberAfter(r.measurement.detail, "e=");
    if (r.sequential) {
      point.requests = r.sequential->canary.total;
      point.baselineRequests = r.sequential->baseline.total;
    }
    point.detail = r.measurement.detail.substr(0, 1024);
    addPoint(record, std::move(point));
  }
}

}  // namespace

const api::GateStatus* gateOf(const std::vector<api::GateStatus>& gates, const std::string& gate) {
  const api::GateStatus* found = nullptr;
  for (const auto& g : gates) {
    if (g.name != gate) continue;
    found = &g;
    if (!g.stopped) break;
  }
  return found;
}

std::string describeStep(const api::ModelReleaseSpec& spec, int32_t index) {
  if (!spec.strategy.canary) return "";
  const auto& steps = spec.strategy.canary->steps;
  if (index < 0 || index >= static_cast<int32_t>(steps.size())) return "complete";
  const auto& s = steps[static_cast<size_t>(index)];
  if (s.setWeight) return "setWeight " + std::to_string(*s.setWeight);
  if (s.pause) return "pause" + (s.pause->duration ? " " + *s.pause->duration : std::string());
  if (s.analysis) return "analysis " + joined(s.analysis->gates);
  if (s.approval) return "approval";
  if (s.setMirror) return "setMirror " + std::to_string(s.setMirror->percent);
  if (s.setHeaderRoute) return "setHeaderRoute " + s.setHeaderRoute->name;
  return "step";
}

double verdictScore(api::Verdict verdict) {
  switch (verdict) {
    case api::Verdict::Pass: return 1;
    case api::Verdict::Inconclusive: return 0;
    case api::Verdict::Fail: return -1;
    case api::Verdict::Error: return -2;
    case api::Verdict::NoData: return -3;
  }
  return -2;
}

std::string metricKey(const api::RecordPoint& point, const std::string& field) {
  if (point.gate.empty()) return "canary_weight";
  return "gate/" + point.gate + "/" + field;
}

std::string runStatus(const std::string& outcome) {
  if (outcome.empty()) return "RUNNING";
  if (outcome == "Promoted") return "FINISHED";
  if (outcome == "RolledBack") return "FAILED";
  return "KILLED";
}

void recordPass(const api::ModelRelease& before, api::ModelReleaseStatus& next, const PassFacts& facts, TimePoint now) {
  auto& records = next.decisionRecords;
  const std::string time = formatRfc3339(now);
  api::DecisionRecordStatus* record = openRecord(records);

  // What the pass saw belongs to the rollout that ran when it began, even when the pass ended it.
  bool factsRecorded = false;
  const bool ranAtStart = record && ((record->version == before.status.canaryVersion &&
                                      record->startedAt == before.status.rolloutStartedAt) ||
                                     verifyingAfterSwitch(*record, before.status));
  if (ranAtStart) {
    addFacts(*record, facts, next, time);
    factsRecorded = true;
  }

  // A record still open for another version, or an earlier attempt of this one, ended: the history
  // says how, else it was superseded.
  const bool rolling = !next.canaryVersion.empty();
  if (record && (!rolling || record->version != next.canaryVersion || record->startedAt != next.rolloutStartedAt)) {
    if (const auto* end = ending(*record, next.history)) {
      close(*record, end->outcome, end->message, end->time, next.currentStepIndex);
    } else if (!rolling && verifyingAfterSwitch(*record, next)) {
      // still open: its post-promotion readings and the outcome belong to it
    } else if (!rolling && next.stableVersion == record->version) {
      close(*record, "Promoted", next.message, time, next.currentStepIndex);
    } else if (!rolling && next.phase == api::Phase::RolledBack) {
      close(*record, "RolledBack", next.message, time, next.currentStepIndex);
    } else {
      close(*record, "Superseded", "version " + next.canaryVersion + " replaced it", time, next.currentStepIndex);
    }
    if (!record->outcome.empty()) record = nullptr;
  }

  bool opened = false;
  if (!record && rolling) {
    // Re-planning the pass that ended a rollout must not reopen it.
    const bool ended = std::any_of(records.begin(), records.end(), [&](const api::DecisionRecordStatus& r) {
      return r.version == next.canaryVersion && r.startedAt == next.rolloutStartedAt;
    });
    if (!ended) {
      const int32_t number = records.empty() ? 1 : records.back().rollout + 1;
      records.push_back(startRecord(before, next, number));
      record = &records.back();
      opened = true;
    }
  }
  if (!record) {
    trim(records);
    return;
  }
  if (!factsRecorded) addFacts(*record, facts, next, time);
  recordStepAndPhase(*record, before, next, opened, time);

  if (const auto* end = ending(*record, next.history)) {
    close(*record, end->outcome, end->message, end->time, next.currentStepIndex);
  }
  trim(records);
}

bool recordComplete(const api::DecisionRecordStatus& record, bool mlflowConfigured) {
  if (record.outcome.empty() || record.droppedPoints > 0) return false;
  if (!mlflowConfigured) return true;
  return !record.runId.empty() && record.runEnded && record.artifactUploaded &&
         record.sentPoints == static_cast<int32_t>(record.points.size());
}

namespace {

Json pointJson(const api::RecordPoint& p) {
  Json j{{"time", p.time}, {"step", p.step}};
  if (p.verdict) j["verdict"] = api::verdictName(*p.verdict);
  if (p.value) j["value"] = *p.value;
  if (p.baseline) j["baseline"] = *p.baseline;
  if (p.pValue) j["pValue"] = *p.pValue;
  if (p.eValue) j["eValue"] = *p.eValue;
  if (p.requests) j["requests"] = *p.requests;
  if (p.baselineRequests) j["baselineRequests"] = *p.baselineRequests;
  if (!p.detail.empty()) j["detail"] = p.detail;
  return j;
}

Json gateJson(const api::Gate& g) {
  Json j{{"name", g.name}};
  if (g.prometheus) j["provider"] = {{"prometheus", {{"query", g.prometheus->query}}}};
  if (g.command) j["provider"] = {{"command", {{"command", g.command->command}}}};
  if (g.webhook) j["provider"] = {{"webhook", {{"url", g.webhook->url}, {"jsonPath", g.webhook->jsonPath}}}};
  if (g.threshold) {
    Json t = Json::object();
    if (g.threshold->min) t["min"] = *g.threshold->min;
    if (g.threshold->max) t["max"] = *g.threshold->max;
    j["judge"] = {{"threshold", t}};
  }
  if (g.compare) {
    static const char* tests[] = {"mann-whitney", "proportion", "psi", "quantile"};
    static const char* directions[] = {"increase", "decrease", "either"};
    j["judge"] = {{"compare",
                   {{"test", tests[static_cast<int>(g.compare->test)]},
                    {"direction", directions[static_cast<int>(g.compare->direction)]},
                    {"confidence", g.compare->confidence},
                    {"sequential", g.compare->sequential}}}};
  }
  j["failureLimit"] = g.failureLimit;
  j["critical"] = g.critical;
  return j;
}

}  // namespace

Json decisionRecordJson(const api::DecisionRecordStatus& record, const api::ModelRelease& release) {
  const auto& spec = release.spec;
  Json gates = Json::array();
  for (const auto& g : spec.analysis.gates) gates.push_back(gateJson(g));
  Json steps = Json::array();
  if (spec.strategy.canary) {
    for (int32_t i = 0; i < static_cast<int32_t>(spec.strategy.canary->steps.size()); ++i) steps.push_back(describeStep(spec, i));
  }
  Json timeline = Json::array();
  for (const auto& e : record.events) {
    Json j{{"kind", e.kind}, {"time", e.time}, {"step", e.step}};
    if (!e.action.empty()) j["action"] = e.action;
    if (!e.by.empty()) j["by"] = e.by;
    if (!e.decision.empty()) j["decision"] = e.decision;
    if (!e.comment.empty()) j["comment"] = e.comment;
    if (!e.message.empty()) j["message"] = e.message;
    timeline.push_back(std::move(j));
  }
  Json measurements = Json::object();
  Json weight = Json::array();
  for (const auto& p : record.points) {
    if (p.gate.empty()) {
      weight.push_back({{"time", p.time}, {"step", p.step}, {"weight", p.value.value_or(0)}});
    } else {
      if (!measurements.contains(p.gate)) measurements[p.gate] = Json::array();
      measurements[p.gate].push_back(pointJson(p));
    }
  }
  Json failing = nullptr;
  for (auto it = record.points.rbegin(); it != record.points.rend(); ++it) {
    if (it->verdict == api::Verdict::Fail) {
      failing = pointJson(*it);
      failing["gate"] = it->gate;
      break;
    }
  }
  Json decision = nullptr;
  if (!record.outcome.empty()) {
    decision = {{"outcome", record.outcome}, {"runStatus", runStatus(record.outcome)}, {"reason", record.reason},
                {"time", record.endedAt}, {"failingGate", failing}};
  }
  return Json{
      {"schema", kDecisionRecordSchema},
      {"release", {{"namespace", release.metadata.namespace_}, {"name", release.metadata.name}, {"uid", release.metadata.uid}}},
      {"rollout", record.rollout},
      {"model", {{"name", spec.model.name}, {"version", record.version}, {"baselineVersion", record.baselineVersion}}},
      {"strategy", record.strategy},
      {"steps", steps},
      {"gates", gates},
      {"startedAt", record.startedAt},
      {"endedAt", record.endedAt.empty() ? Json(nullptr) : Json(record.endedAt)},
      {"timeline", timeline},
      {"canaryWeight", weight},
      {"measurements", measurements},
      {"measurementsOmitted", record.prunedPoints + record.droppedPoints},
      {"decision", decision},
      {"complete", !record.outcome.empty() && record.droppedPoints == 0},
  };
}

}  // namespace aviary::registry
