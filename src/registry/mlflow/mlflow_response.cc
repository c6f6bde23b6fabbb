#include "registry/mlflow/mlflow_response.h"

#include <nlohmann/json.hpp>

namespace aviary::registry {

namespace {

using Json = nlohmann::json;

// j[key] when it is a string, else fallback.
std::string stringField(const Json& j, const char* key, const std::string& fallback) {
  if (!j.is_object()) return fallback;
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : fallback;
}

std::string excerpt(const std::string& body) { return body.substr(0, 200); }

VersionState versionState(const std::string& s) {
  if (s == "PENDING_REGISTRATION") return VersionState::PendingRegistration;
  if (s == "FAILED_REGISTRATION") return VersionState::FailedRegistration;
  return VersionState::Ready;
}

}  // namespace

Error mlflowError(long status, const std::string& body) {
  Json j = Json::parse(body, nullptr, false);
  std::string code = stringField(j, "error_code", "");
  std::string message = stringField(j, "message", excerpt(body));
  ErrorCode mapped = ErrorCode::Unavailable;
  if (code == "RESOURCE_DOES_NOT_EXIST" || status == 404) mapped = ErrorCode::NotFound;
  else if (code == "RESOURCE_ALREADY_EXISTS") mapped = ErrorCode::Conflict;
  else if (code == "INVALID_PARAMETER_VALUE" || status == 400) mapped = ErrorCode::InvalidSpec;
  else if (status == 401) mapped = ErrorCode::Unauthorized;
  else if (status == 403) mapped = ErrorCode::Forbidden;
  Error e = makeError(mapped, "MLflow " + (code.empty() ? "HTTP " + std::to_string(status) : code) + ": " + message);
  e.httpStatus = static_cast<int>(status);
  return e;
}

Result<ModelVersionInfo> parseModelVersion(const std::string& body, const std::string& model,
                                           const std::string& version) {
  Json j = Json::parse(body, nullptr, false);
  auto found = j.is_object() ? j.find("model_version") : j.end();
  if (!j.is_object() || found == j.end() || !found->is_object()) {
    return makeError(ErrorCode::Unavailable, "MLflow answered without model_version: " + excerpt(body));
  }
  const Json& mv = *found;
  ModelVersionInfo info;
  info.name = stringField(mv, "name", model);
  info.version = stringField(mv, "version", version);
  info.state = versionState(stringField(mv, "status", "READY"));
  info.statusMessage = stringField(mv, "status_message", "");
  info.source = stringField(mv, "source", "");
  auto tags = mv.find("tags");
  if (tags != mv.end() && tags->is_array()) {
    for (const auto& tag : *tags) {
      if (tag.is_object()) info.tags[stringField(tag, "key", "")] = stringField(tag, "value", "");
    }
  }
  auto aliases = mv.find("aliases");
  if (aliases != mv.end() && aliases->is_array()) {
    for (const auto& alias : *aliases) {
      if (alias.is_string()) info.aliases.push_back(alias.get<std::string>());
    }
  }
  return info;
}

}  // namespace aviary::registry
