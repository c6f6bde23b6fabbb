#pragma once
// The model registry where releases read model versions and write their audit trail (approvals,
// promotions, rollbacks as model-version tags; aliases `champion` / `challenger`).
// Implementations: MlflowRegistry (src/registry/mlflow). Thread-safety: all methods may be called
// concurrently.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "aviary/common/result.h"
#include "aviary/registry/run_tracker.h"

namespace aviary::registry {

enum class VersionState { Ready, PendingRegistration, FailedRegistration };

struct ModelVersionInfo {
  std::string name;
  std::string version;
  VersionState state = VersionState::Ready;
  std::string statusMessage;
  std::string source;  // artifact URI → MODEL_URI
  std::map<std::string, std::string> tags;
  std::vector<std::string> aliases;  // the model's aliases that point at this version
};

class ModelRegistry {
 public:
  virtual ~ModelRegistry() = default;
  // NotFound when the model or version does not exist; Unavailable when the registry is down.
  virtual Result<ModelVersionInfo> getModelVersion(const std::string& model, const std::string& version) = 0;
  // Sets (overwrites) each tag on the version.
  virtual Status setVersionTags(const std::string& model, const std::string& version,
                                const std::map<std::string, std::string>& tags) = 0;
  // Points the alias at the version (moving it if it pointed elsewhere).
  virtual Status setAlias(const std::string& model, const std::string& alias, const std::string& version) = 0;
  // Removes the alias; an alias that does not exist is not an error.
  virtual Status deleteAlias(const std::string& model, const std::string& alias) = 0;
  // The experiment tracking of the same server, where decision records go as runs; null when the
  // registry has none. Owned by the registry.
  virtual RunTracker* runTracker() { return nullptr; }
};

using ModelRegistryPtr = std::unique_ptr<ModelRegistry>;

struct MlflowCredentials {
  std::string username;
  std::string password;
};

// The MLflow tracking server's model registry (REST API 2.0) at baseUrl, with optional basic auth.
ModelRegistryPtr makeMlflowRegistry(const std::string& baseUrl, MlflowCredentials credentials = {});

}  // namespace aviary::registry
