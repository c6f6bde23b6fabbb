#pragma once
#include "aviary/registry/model_registry.h"
#include "aviary/common/http_fetch.h"
#include "registry/mlflow/mlflow_client.h"
#include "registry/mlflow/mlflow_runs.h"

namespace aviary::registry {

// MLflow REST API 2.0 (/api/2.0/mlflow/…). MLflow errors ({"error_code","message"}) keep their message:
// RESOURCE_DOES_NOT_EXIST → NotFound, INVALID_PARAMETER_VALUE → InvalidSpec, 5xx/connection → Unavailable.
class MlflowRegistry final : public ModelRegistry {
 public:
  MlflowRegistry(std::string baseUrl, MlflowCredentials credentials);
  Result<ModelVersionInfo> getModelVersion(const std::string& model, const std::string& version) override;
  Status setVersionTags(const std::string& model, const std::string& version,
                        const std::map<std::string, std::string>& tags) override;
  Status setAlias(const std::string& model, const std::string& alias, const std::string& version) override;
  Status deleteAlias(const std::string& model, const std::string& alias) override;
  RunTracker* runTracker() override { return &runs_; }

 private:
  // Calls `path` under /api/2.0/mlflow/ and returns the answer's JSON text.
  Result<std::string> call(const std::string& method, const std::string& path, const std::string& body);
  MlflowClient client_;
  MlflowRuns runs_;
};

}  // namespace aviary::registry
