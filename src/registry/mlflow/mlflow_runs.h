#pragma once
#include "aviary/registry/run_tracker.h"
#include "registry/mlflow/mlflow_client.h"

namespace aviary::registry {

// MLflow's tracking API (experiments/, runs/, metrics/) and artifact proxy (/api/2.0/mlflow-artifacts/).
class MlflowRuns final : public RunTracker {
 public:
  explicit MlflowRuns(const MlflowClient& client) : client_(client) {}
  Result<std::optional<std::string>> findExperiment(const std::string& name) override;
  Result<std::string> ensureExperiment(const std::string& name) override;
  Result<std::optional<RunInfo>> findRun(const std::string& experimentId,
                                         const std::map<std::string, std::string>& tags) override;
  Result<RunInfo> createRun(const std::string& experimentId, const std::string& runName, int64_t startTimeMs,
                            const std::map<std::string, std::string>& tags) override;
  Result<RunInfo> getRun(const std::string& runId) override;
  Status logBatch(const std::string& runId, const std::vector<MetricPoint>& metrics,
                  const std::map<std::string, std::string>& params,
                  const std::map<std::string, std::string>& tags) override;
  Result<std::vector<MetricPoint>> metricHistory(const std::string& runId, const std::string& key) override;
  Status endRun(const std::string& runId, const std::string& status, int64_t endTimeMs) override;
  Status uploadArtifact(const RunInfo& run, const std::string& path, const std::string& content) override;
  Result<std::string> downloadArtifact(const RunInfo& run, const std::string& path) override;
  std::string runUrl(const std::string& experimentId, const std::string& runId) const override;

 private:
  const MlflowClient& client_;
};

}  // namespace aviary::registry
