#include "aviary/registry/run_outbox.h"

#include <algorithm>

#include "aviary/registry/decision_record.h"
#include "aviary/registry/outbox.h"

namespace aviary::registry {

namespace {

int64_t epochMs(const std::string& time, TimePoint fallback) {
  TimePoint t = fallback;
  if (!time.empty()) parseRfc3339(time, t);
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

int64_t secondsBetween(const std::string& from, const std::string& to) {
  TimePoint a, b;
  if (!parseRfc3339(from, a) || !parseRfc3339(to, b)) return 0;
  return std::chrono::duration_cast<std::chrono::seconds>(b - a).count();
}

// Who asked for a request, as a tag: the verified name, or "unknown" for a request that named nobody.
std::string requesterTag(const api::RecordEvent& e) { return e.by.empty() ? "unknown" : e.by; }

// The tags on the model version naming who asked for each kind of request in this rollout
// ("aviary.promote_requested_by": "alice"); the last request of a kind wins.
std::map<std::string, std::string> requestVersionTags(const api::DecisionRecordStatus& record) {
  std::map<std::string, std::string> tags;
  for (const auto& e : record.events) {
    if (e.kind != "request") continue;
    std::string action = e.action;
    for (char& c : action) c = c == '-' ? '_' : c;
    tags["aviary." + action + "_requested_by"] = requesterTag(e);
  }
  return tags;
}

// The MLflow tags of one approval, request or step event; `n` numbers it among events of its kind.
void tagEvent(const api::RecordEvent& e, size_t n, std::map<std::string, std::string>& tags) {
  const std::string k = std::to_string(n);
  if (e.kind == "approval") {
    const std::string prefix = "aviary.approval." + k + ".";
    tags[prefix + "by"] = e.by;
    tags[prefix + "decision"] = e.decision;
    tags[prefix + "time"] = e.time;
    tags[prefix + "step"] = std::to_string(e.step);
    tags[prefix + "result"] = e.message;
    if (!e.comment.empty()) tags[prefix + "comment"] = e.comment;
    if (e.message == "accepted") {
      const bool approve = e.decision == "approve";
      tags[approve ? "aviary.approved_by" : "aviary.rejected_by"] = e.by;
      if (!e.comment.empty()) tags[approve ? "aviary.approval_comment" : "aviary.rejection_comment"] = e.comment;
    }
  } else if (e.kind == "request") {
    tags["aviary.request." + k] = e.action + " at " + e.time;
    tags["aviary.request." + k + ".by"] = requesterTag(e);
    tags["aviary.request." + k + ".verified"] = e.by.empty() ? "false" : "true";
  } else if (e.kind == "step") {
    tags["aviary.step." + std::to_string(e.step) + ".started_at"] = e.time;
  }
}

void fail(api::DecisionRecordStatus& record, const Error& error, TimePoint now, RunSyncResult& result) {
  ++record.attempts;
  record.lastError = error.message.substr(0, 4096);
  const TimePoint next = now + retryDelay(record.attempts);
  record.nextAttemptAt = formatRfc3339(next);
  result.retryAt = next;
  result.lastError = record.lastError;
}

bool synced(const api::DecisionRecordStatus& r) {
  return !r.runId.empty() && r.versionTagged && r.paramsLogged && r.sentPoints == static_cast<int32_t>(r.points.size()) &&
         r.sentEvents == static_cast<int32_t>(r.events.size()) && (r.outcome.empty() || (r.artifactUploaded && r.runEnded));
}

Status ensureRun(api::DecisionRecordStatus& record, const api::ModelRelease& release, RunTracker& runs, TimePoint now) {
  if (!record.runId.empty()) return okStatus();
  auto experiment = runs.ensureExperiment(experimentName(release.metadata));
  if (!experiment.ok()) return experiment.error();
  const std::map<std::string, std::string> identity{{"aviary.release_uid", release.metadata.uid},
                                                    {"aviary.rollout", std::to_string(record.rollout)}};
  auto found = runs.findRun(*experiment, identity);
  if (!found.ok()) return found.error();
  RunInfo run;
  if (*found) {
    run = **found;
  } else {
    auto tags = identity;
    tags["aviary.release"] = release.metadata.namespace_ + "/" + release.metadata.name;
    tags["aviary.model"] = release.spec.model.name;
    tags["aviary.version"] = record.version;
    const std::string name = "rollout-" + std::to_string(record.rollout) + "-v" + record.version;
    auto created = runs.createRun(*experiment, name, epochMs(record.startedAt, now), tags);
    if (!created.ok()) return created.error();
    run = *created;
  }
  record.experimentId = *experiment;
  record.runId = run.runId;
  record.runUrl = runs.runUrl(*experiment, run.runId);
  return okStatus();
}

Status sendPoints(api::DecisionRecordStatus& record, RunTracker& runs, RunSyncResult& result) {
  while (record.sentPoints < static_cast<int32_t>(record.points.size())) {
    std::vector<MetricPoint> batch;
    const size_t end = metricBatch(record.points, static_cast<size_t>(record.sentPoints), batch);
    auto logged = runs.logBatch(record.runId, batch, {}, {});
    if (!logged.ok()) return logged;
    ++result.batches;
    record.sentPoints = static_cast<int32_t>(end);
  }
  return okStatus();
}

Status sendEvents(api::DecisionRecordStatus& record, RunTracker& runs) {
  while (record.sentEvents < static_cast<int32_t>(record.events.size())) {
    // A batch of whole events (an approval is six tags at most) within MLflow's tag limit.
    size_t end = static_cast<size_t>(record.sentEvents);
    std::map<std::string, std::string> tags;
    while (end < record.events.size() && tags.size() + 8 <= kMaxTagsPerBatch) {
      auto one = eventTags(record, end);
      for (auto& [k, v] : one) tags[k] = v;
      ++end;
    }
    auto logged = runs.logBatch(record.runId, {}, {}, tags);
    if (!logged.ok()) return logged;
    record.sentEvents = static_cast<int32_t>(end);
  }
  return okStatus();
}

Status finish(api::DecisionRecordStatus& record, const api::ModelRelease& release, RunTracker& runs,
              ModelRegistry& registry, TimePoint now) {
  if (!record.artifactUploaded) {
    auto tagged = runs.logBatch(record.runId, {}, {}, outcomeTags(record));
    if (!tagged.ok()) return tagged;
    if (auto requests = requestVersionTags(record); !requests.empty()) {
      auto s = registry.setVersionTags(release.spec.model.name, record.version, requests);
      if (!s.ok()) return s;
    }
    auto run = runs.getRun(record.runId);
    if (!run.ok()) return run.error();
    auto uploaded = runs.uploadArtifact(*run, "decision-record.json", decisionRecordJson(record, release).dump(2) + "\n");
    if (!uploaded.ok()) return uploaded;
    record.artifactUploaded = true;
  }
  if (!record.runEnded) {
    auto ended = runs.endRun(record.runId, runStatus(record.outcome), epochMs(record.endedAt, now));
    if (!ended.ok()) return ended;
    record.runEnded = true;
  }
  return okStatus();
}

Status syncOne(api::DecisionRecordStatus& record, const api::ModelRelease& release, RunTracker& runs,
               ModelRegistry& registry, TimePoint now, RunSyncResult& result) {
  if (auto s = ensureRun(record, release, runs, now); !s.ok()) return s;
  if (!record.versionTagged) {
    auto s = registry.setVersionTags(release.spec.model.name, record.version,
                                     {{"aviary.run_id", record.runId}, {"aviary.run_url", record.runUrl}});
    if (!s.ok()) return s;
    record.versionTagged = true;
  }
  if (!record.paramsLogged) {
    auto params = runParams(record, release);
    // Params go in pieces of MLflow's limit of 100 per call.
    std::map<std::string, std::string> chunk;
    for (auto it = params.begin(); it != params.end(); ++it) {
      chunk.insert(*it);
      if (chunk.size() == 100 || std::next(it) == params.end()) {
        auto s = runs.logBatch(record.runId, {}, chunk, {});
        if (!s.ok()) return s;
        chunk.clear();
      }
    }
    record.paramsLogged = true;
  }
  if (auto s = sendPoints(record, runs, result); !s.ok()) return s;
  if (auto s = sendEvents(record, runs); !s.ok()) return s;
  if (!record.outcome.empty()) return finish(record, release, runs, registry, now);
  return okStatus();
}

}  // namespace

std::string experimentName(const api::ObjectMeta& release) { return "aviary/" + release.namespace_ + "/" + release.name; }

size_t metricBatch(const std::vector<api::RecordPoint>& points, size_t from, std::vector<MetricPoint>& out) {
  size_t i = from;
  for (; i < points.size(); ++i) {
    const auto& p = points[i];
    std::vector<MetricPoint> these;
    const int64_t ts = epochMs(p.time, TimePoint{});
    auto add = [&](const std::string& field, const std::optional<double>& v) {
      if (v) these.push_back({metricKey(p, field), *v, ts, p.step});
    };
    add("value", p.value);
    if (!p.gate.empty()) {
      add("baseline", p.baseline);
      add("p_value", p.pValue);
      add("e_value", p.eValue);
      add("requests", p.requests);
      add("baseline_requests", p.baselineRequests);
      if (p.verdict) add("verdict", verdictScore(*p.verdict));
    }
    if (out.size() + these.size() > kMaxMetricsPerBatch) break;  // a point's metrics never split across batches
    out.insert(out.end(), these.begin(), these.end());
  }
  return i;
}

std::map<std::string, std::string> eventTags(const api::DecisionRecordStatus& record, size_t index) {
  std::map<std::string, std::string> tags;
  const auto& e = record.events[index];
  size_t n = 0;
  for (size_t i = 0; i < index; ++i) n += record.events[i].kind == e.kind ? 1 : 0;
  tagEvent(e, n, tags);
  return tags;
}

std::map<std::string, std::string> outcomeTags(const api::DecisionRecordStatus& record) {
  std::map<std::string, std::string> tags{{"aviary.outcome", record.outcome},
                                          {"aviary.reason", record.reason.substr(0, 4096)},
                                          {"aviary.run_status", runStatus(record.outcome)},
                                          {"aviary.ended_at", record.endedAt},
                                          {"aviary.time_to_decision_seconds",
                                           std::to_string(secondsBetween(record.startedAt, record.endedAt))}};
  // Time in each step: from its start to the next step's (or the decision).
  const api::RecordEvent* previous = nullptr;
  for (const auto& e : record.events) {
    if (e.kind != "step") continue;
    if (previous) tags["aviary.step." + std::to_string(previous->step) + ".seconds"] = std::to_string(secondsBetween(previous->time, e.time));
    previous = &e;
  }
  if (previous) tags["aviary.step." + std::to_string(previous->step) + ".seconds"] = std::to_string(secondsBetween(previous->time, record.endedAt));
  for (auto it = record.points.rbegin(); it != record.points.rend(); ++it) {
    if (it->verdict != api::Verdict::Fail) continue;
    tags["aviary.failing_gate"] = it->gate;
    tags["aviary.failing_gate_detail"] = it->detail;
    if (it->value) tags["aviary.failing_gate_value"] = std::to_string(*it->value);
    break;
  }
  return tags;
}

std::map<std::string, std::string> runParams(const api::DecisionRecordStatus& record, const api::ModelRelease& release) {
  const auto& spec = release.spec;
  std::map<std::string, std::string> params{{"model.name", spec.model.name},
                                            {"model.version", record.version},
                                            {"model.baseline_version", record.baselineVersion.empty() ? "none" : record.baselineVersion},
                                            {"strategy", record.strategy},
                                            {"analysis.interval", spec.analysis.interval},
                                            {"rollback.automatic", spec.rollback.automatic ? "true" : "false"}};
  if (spec.strategy.canary) {
    const auto& steps = spec.strategy.canary->steps;
    params["steps.count"] = std::to_string(steps.size());
    for (size_t i = 0; i < steps.size() && i < 40; ++i) params["steps." + std::to_string(i)] = describeStep(spec, static_cast<int32_t>(i));
  }
  if (spec.strategy.blueGreen) params["blue_green.auto_promote"] = spec.strategy.blueGreen->autoPromote ? "true" : "false";
  auto json = decisionRecordJson(record, release);
  for (const auto& gate : json["gates"]) {
    const std::string prefix = "gate." + gate["name"].get<std::string>() + ".";
    if (gate.contains("provider")) params[prefix + "provider"] = gate["provider"].dump().substr(0, 6000);
    if (gate.contains("judge")) params[prefix + "judge"] = gate["judge"].dump().substr(0, 6000);
    params[prefix + "failure_limit"] = std::to_string(gate.value("failureLimit", 0));
  }
  return params;
}

RunSyncResult syncRuns(std::vector<api::DecisionRecordStatus>& records, const api::ModelRelease& release,
                       RunTracker& runs, ModelRegistry& registry, TimePoint now) {
  RunSyncResult result;
  for (auto& record : records) {
    if (synced(record)) continue;
    TimePoint due;
    if (!record.nextAttemptAt.empty() && parseRfc3339(record.nextAttemptAt, due) && due > now) {
      result.retryAt = due;
      break;
    }
    auto done = syncOne(record, release, runs, registry, now, result);
    if (!done.ok()) {
      fail(record, done.error(), now, result);
      break;  // in order: a later run never overtakes an earlier one
    }
    record.attempts = 0;
    record.lastError.clear();
    record.nextAttemptAt.clear();
  }
  return result;
}

}  // namespace aviary::registry
