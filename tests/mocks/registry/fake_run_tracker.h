#pragma once
// An in-memory MLflow tracking server for the run outbox's tests: experiments, runs with tags,
// params, metric series and artifacts; `down` makes every call fail like a stopped server, and
// `failAfter` lets that many more calls succeed first. Metric points are deduplicated the way
// MLflow's SQL store does (same key, timestamp, step and value).

#include <algorithm>

#include "aviary/registry/run_tracker.h"

namespace aviary::testing {

class FakeRunTracker : public registry::RunTracker {
 public:
  struct Run {
    registry::RunInfo info;
    std::vector<registry::MetricPoint> metrics;
    std::map<std::string, std::string> artifacts;
    int64_t endTimeMs = 0;
  };

  Result<std::optional<std::string>> findExperiment(const std::string& name) override {
    if (auto e = unavailable()) return *e;
    auto it = experiments.find(name);
    if (it == experiments.end()) return std::optional<std::string>{};
    return std::optional<std::string>{it->second};
  }
  Result<std::string> ensureExperiment(const std::string& name) override {
    if (auto e = unavailable()) return *e;
    auto [it, created] = experiments.emplace(name, std::to_string(experiments.size() + 1));
    return it->second;
  }
  Result<std::optional<registry::RunInfo>> findRun(const std::string& experimentId,
                                                   const std::map<std::string, std::string>& tags) override {
    if (auto e = unavailable()) return *e;
    for (auto it = runs.rbegin(); it != runs.rend(); ++it) {
      const auto& info = it->info;
      bool all = info.experimentId == experimentId;
      for (const auto& [k, v] : tags) all = all && info.tags.count(k) && info.tags.at(k) == v;
      if (all) return std::optional<registry::RunInfo>{info};
    }
    return std::optional<registry::RunInfo>{};
  }
  Result<registry::RunInfo> createRun(const std::string& experimentId, const std::string&, int64_t,
                                      const std::map<std::string, std::string>& tags) override {
    if (auto e = unavailable()) return *e;
    Run run;
    run.info.experimentId = experimentId;
    run.info.runId = "run" + std::to_string(runs.size() + 1);
    run.info.status = "RUNNING";
    run.info.artifactUri = "mlflow-artifacts:/" + experimentId + "/" + run.info.runId + "/artifacts";
    run.info.tags = tags;
    runs.push_back(run);
    return run.info;
  }
  Result<registry::RunInfo> getRun(const std::string& runId) override {
    if (auto e = unavailable()) return *e;
    if (auto* run = find(runId)) return run->info;
    return makeError(ErrorCode::NotFound, "no run " + runId);
  }
  Status logBatch(const std::string& runId, const std::vector<registry::MetricPoint>& metrics,
                  const std::map<std::string, std::string>& params, const std::map<std::string, std::string>& tags) override {
    if (auto e = unavailable()) return *e;
    auto* run = find(runId);
    if (!run) return makeError(ErrorCode::NotFound, "no run " + runId);
    if (metrics.size() > 1000 || params.size() > 100 || tags.size() > 100) return makeError(ErrorCode::InvalidSpec, "batch too large");
    ++batches;
    for (const auto& m : metrics) {
      if (std::find(run->metrics.begin(), run->metrics.end(), m) == run->metrics.end()) run->metrics.push_back(m);
    }
    for (const auto& [k, v] : params) run->info.params[k] = v;
    for (const auto& [k, v] : tags) run->info.tags[k] = v;
    return okStatus();
  }
  Result<std::vector<registry::MetricPoint>> metricHistory(const std::string& runId, const std::string& key) override {
    if (auto e = unavailable()) return *e;
    std::vector<registry::MetricPoint> out;
    if (auto* run = find(runId)) {
      for (const auto& m : run->metrics) {
        if (m.key == key) out.push_back(m);
      }
    }
    return out;
  }
  Status endRun(const std::string& runId, const std::string& status, int64_t endTimeMs) override {
    if (auto e = unavailable()) return *e;
    auto* run = find(runId);
    if (!run) return makeError(ErrorCode::NotFound, "no run " + runId);
    run->info.status = status;
    run->endTimeMs = endTimeMs;
    return okStatus();
  }
  Status uploadArtifact(const registry::RunInfo& info, const std::string& path, const std::string& content) override {
    if (auto e = unavailable()) return *e;
    auto* run = find(info.runId);
    if (!run) return makeError(ErrorCode::NotFound, "no run " + info.runId);
    run->artifacts[path] = content;
    return okStatus();
  }
  Result<std::string> downloadArtifact(const registry::RunInfo& info, const std::string& path) override {
    if (auto e = unavailable()) return *e;
    auto* run = find(info.runId);
    if (!run || !run->artifacts.count(path)) return makeError(ErrorCode::NotFound, "no artifact " + path);
    return run->artifacts[path];
  }
  std::string runUrl(const std::string& experimentId, const std::string& runId) const override {
    return "http://mlflow/#/experiments/" + experimentId + "/runs/" + runId;
  }

  Run* find(const std::string& runId) {
    for (auto& run : runs) {
      if (run.info.runId == runId) return &run;
    }
    return nullptr;
  }
  size_t count(const std::string& runId, const std::string& key) {
    auto* run = find(runId);
    if (!run) return 0;
    return static_cast<size_t>(std::count_if(run->metrics.begin(), run->metrics.end(),
                                             [&](const registry::MetricPoint& m) { return m.key == key; }));
  }

  bool down = false;
  int failAfter = -1;  // ≥ 0: that many calls succeed, then the server is down
  int batches = 0;
  std::map<std::string, std::string> experiments;
  std::vector<Run> runs;

 private:
  std::optional<Error> unavailable() {
    if (failAfter == 0) down = true;
    if (failAfter > 0) --failAfter;
    if (down) return makeError(ErrorCode::Unavailable, "MLflow at http://mlflow unreachable: connection refused");
    return std::nullopt;
  }
};

}  // namespace aviary::testing
