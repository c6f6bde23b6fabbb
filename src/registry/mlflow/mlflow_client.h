#pragma once
// HTTP to one MLflow tracking server (REST API 2.0 and the artifact proxy), shared by the registry and
// the run tracker. MLflow errors ({"error_code","message"}) keep their message:
// RESOURCE_DOES_NOT_EXIST → NotFound, RESOURCE_ALREADY_EXISTS → Conflict, INVALID_PARAMETER_VALUE →
// InvalidSpec, 5xx/connection → Unavailable.
#include <string>

#include "aviary/common/result.h"
#include "aviary/registry/model_registry.h"

namespace aviary::registry {

class MlflowClient {
 public:
  MlflowClient(std::string baseUrl, MlflowCredentials credentials);
  // Calls `path` under /api/2.0/mlflow/ and returns the answer's JSON text.
  Result<std::string> call(const std::string& method, const std::string& path, const std::string& body) const;
  // Calls `path` under the server root (the artifact proxy), with the body sent as it is.
  Result<std::string> raw(const std::string& method, const std::string& path, const std::string& body,
                          const std::string& contentType) const;
  const std::string& baseUrl() const { return baseUrl_; }

 private:
  std::string baseUrl_;
  MlflowCredentials credentials_;
};

}  // namespace aviary::registry
