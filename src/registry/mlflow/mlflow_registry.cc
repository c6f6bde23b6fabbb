#include "registry/mlflow/mlflow_registry.h"

#include <nlohmann/json.hpp>

#include "registry/mlflow/mlflow_response.h"

namespace aviary::registry {

namespace {

using Json = nlohmann::json;

}  // namespace

MlflowRegistry::MlflowRegistry(std::string baseUrl, MlflowCredentials credentials)
    : client_(std::move(baseUrl), std::move(credentials)), runs_(client_) {}

Result<std::string> MlflowRegistry::call(const std::string& method, const std::string& path, const std::string& body) {
  return client_.call(method, path, body);
}

Result<ModelVersionInfo> MlflowRegistry::getModelVersion(const std::string& model, const std::string& version) {
  auto body = call("GET", "model-versions/get?name=" + urlEncode(model) + "&version=" + urlEncode(version), "");
  if (!body.ok()) return body.error();
  return parseModelVersion(*body, model, version);
}

Status MlflowRegistry::setVersionTags(const std::string& model, const std::string& version,
                                      const std::map<std::string, std::string>& tags) {
  for (const auto& [key, value] : tags) {
    Json body{{"name", model}, {"version", version}, {"key", key}, {"value", value}};
    auto r = call("POST", "model-versions/set-tag", body.dump());
    if (!r.ok()) return r.error();
  }
  return okStatus();
}

Status MlflowRegistry::setAlias(const std::string& model, const std::string& alias, const std::string& version) {
  Json body{{"name", model}, {"alias", alias}, {"version", version}};
  auto r = call("POST", "registered-models/alias", body.dump());
  if (!r.ok()) return r.error();
  return okStatus();
}

Status MlflowRegistry::deleteAlias(const std::string& model, const std::string& alias) {
  Json body{{"name", model}, {"alias", alias}};
  auto r = call("DELETE", "registered-models/alias", body.dump());
  if (!r.ok() && r.error().code != ErrorCode::NotFound) return r.error();
  return okStatus();
}

ModelRegistryPtr makeMlflowRegistry(const std::string& baseUrl, MlflowCredentials credentials) {
  return std::make_unique<MlflowRegistry>(baseUrl, std::move(credentials));
}

}  // namespace aviary::registry
