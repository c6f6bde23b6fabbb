#include "registry/mlflow/mlflow_response.h"

#include <charconv>

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

// j[key] when it is an object, else null (for find() chains over answers of any shape).
const Json& objectField(const Json& j, const char* key) {
  static const Json kNull;
  if (!j.is_object()) return kNull;
  auto it = j.find(key);
  return it != j.end() && it->is_object() ? *it : kNull;
}

// j[key] when it is an array, else an empty array.
const Json& arrayField(const Json& j, const char* key) {
  static const Json kEmpty = Json::array();
  if (!j.is_object()) return kEmpty;
  auto it = j.find(key);
  return it != j.end() && it->is_array() ? *it : kEmpty;
}

// An int64 written as a JSON integer or a decimal string (protobuf's JSON mapping); else fallback.
int64_t integerField(const Json& j, const char* key, int64_t fallback) {
  auto it = j.find(key);
  if (it == j.end()) return fallback;
  if (it->is_number_integer()) return it->get<int64_t>();
  if (it->is_number_float()) {
    const double d = it->get<double>();
    return d >= -9.2e18 && d <= 9.2e18 ? static_cast<int64_t>(d) : fallback;
  }
  if (it->is_string()) {
    const auto& text = it->get_ref<const std::string&>();
    int64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error == std::errc() && end == text.data() + text.size() && !text.empty()) return value;
  }
  return fallback;
}

void keyValues(const Json& items, std::map<std::string, std::string>& out) {
  for (const auto& item : items) {
    if (!item.is_object()) continue;
    auto key = item.find("key");
    auto value = item.find("value");
    if (key == item.end() || !key->is_string() || value == item.end() || !value->is_string()) continue;
    out[key->get<std::string>()] = value->get<std::string>();
  }
}

Error unexpected(const std::string& call, const std::string& what, const std::string& body) {
  return makeError(ErrorCode::Unavailable, "MLflow answered " + call + " without " + what + ": " + excerpt(body));
}

// A run object: nullopt without info.run_id.
std::optional<RunInfo> runInfo(const Json& run) {
  const Json& info = objectField(run, "info");
  RunInfo out;
  out.runId = stringField(info, "run_id", "");
  if (out.runId.empty()) return std::nullopt;
  out.experimentId = stringField(info, "experiment_id", "");
  out.status = stringField(info, "status", "");
  out.artifactUri = stringField(info, "artifact_uri", "");
  const Json& data = objectField(run, "data");
  keyValues(arrayField(data, "tags"), out.tags);
  keyValues(arrayField(data, "params"), out.params);
  return out;
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

Result<std::string> parseExperimentId(const std::string& body, const std::string& call) {
  Json j = Json::parse(body, nullptr, false);
  // get-by-name nests it in "experiment"; create answers it at the top.
  std::string id = stringField(objectField(j, "experiment"), "experiment_id", stringField(j, "experiment_id", ""));
  if (id.empty()) return unexpected(call, "an experiment_id", body);
  return id;
}

Result<std::optional<RunInfo>> parseRunSearch(const std::string& body) {
  Json j = Json::parse(body, nullptr, false);
  if (!j.is_object()) return unexpected("runs/search", "a JSON object", body);
  auto runs = j.find("runs");
  if (runs == j.end() || (runs->is_array() && runs->empty())) return std::optional<RunInfo>{};
  if (!runs->is_array()) return unexpected("runs/search", "a runs array", body);
  auto run = runInfo((*runs)[0]);
  if (!run) return unexpected("runs/search", "the run's info.run_id", body);
  return std::optional<RunInfo>{std::move(*run)};
}

Result<RunInfo> parseRun(const std::string& body, const std::string& call) {
  Json j = Json::parse(body, nullptr, false);
  auto run = runInfo(objectField(j, "run"));
  if (!run) return unexpected(call, "run.info.run_id", body);
  return std::move(*run);
}

Result<std::vector<MetricPoint>> parseMetricHistory(const std::string& body, const std::string& key) {
  Json j = Json::parse(body, nullptr, false);
  if (!j.is_object()) return unexpected("metrics/get-history", "a JSON object", body);
  std::vector<MetricPoint> out;
  for (const auto& p : arrayField(j, "metrics")) {
    if (!p.is_object()) continue;
    auto value = p.find("value");
    if (value == p.end() || !value->is_number()) continue;
    out.push_back({stringField(p, "key", key), value->get<double>(), integerField(p, "timestamp", 0), integerField(p, "step", 0)});
  }
  return out;
}

}  // namespace aviary::registry
