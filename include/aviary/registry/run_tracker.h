#pragma once
// The experiment tracking beside the model registry (MLflow runs): where a rollout's decision record
// lives as one run with params, metric series, tags and the decision-record.json artifact
// (docs/audit.md). Implementation: MlflowRuns (src/registry/mlflow). Thread-safety: all methods may
// be called concurrently. Every write is idempotent when repeated with the same arguments.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "aviary/common/result.h"

namespace aviary::registry {

struct MetricPoint {
  std::string key;
  double value = 0;
  int64_t timestampMs = 0;
  int64_t step = 0;
  bool operator==(const MetricPoint&) const = default;
};

struct RunInfo {
  std::string experimentId;
  std::string runId;
  std::string status;       // RUNNING | FINISHED | FAILED | KILLED
  std::string artifactUri;  // mlflow-artifacts:/<experiment>/<run>/artifacts when proxied
  std::map<std::string, std::string> tags;
  std::map<std::string, std::string> params;
};

class RunTracker {
 public:
  virtual ~RunTracker() = default;
  // The experiment's id; nullopt when it does not exist.
  virtual Result<std::optional<std::string>> findExperiment(const std::string& name) = 0;
  // The experiment's id, created when it does not exist.
  virtual Result<std::string> ensureExperiment(const std::string& name) = 0;
  // The newest run of the experiment carrying every one of `tags`; nullopt when there is none.
  virtual Result<std::optional<RunInfo>> findRun(const std::string& experimentId,
                                                 const std::map<std::string, std::string>& tags) = 0;
  virtual Result<RunInfo> createRun(const std::string& experimentId, const std::string& runName, int64_t startTimeMs,
                                    const std::map<std::string, std::string>& tags) = 0;
  virtual Result<RunInfo> getRun(const std::string& runId) = 0;
  // One log-batch call (MLflow limits: 1000 metrics, 100 params, 100 tags).
  virtual Status logBatch(const std::string& runId, const std::vector<MetricPoint>& metrics,
                          const std::map<std::string, std::string>& params,
                          const std::map<std::string, std::string>& tags) = 0;
  virtual Result<std::vector<MetricPoint>> metricHistory(const std::string& runId, const std::string& key) = 0;
  // status FINISHED | FAILED | KILLED.
  virtual Status endRun(const std::string& runId, const std::string& status, int64_t endTimeMs) = 0;
  // Through the tracking server's artifact proxy (mlflow server --serve-artifacts).
  virtual Status uploadArtifact(const RunInfo& run, const std::string& path, const std::string& content) = 0;
  virtual Result<std::string> downloadArtifact(const RunInfo& run, const std::string& path) = 0;
  // Where a person finds the run in the MLflow UI.
  virtual std::string runUrl(const std::string& experimentId, const std::string& runId) const = 0;
};

}  // namespace aviary::registry
