#include "registry/mlflow/mlflow_registry.h"

#include <nlohmann/json.hpp>

#include "registry/mlflow/mlflow_response.h"

namespace aviary::registry {

namespace {

using Json = nlohmann::json;
constexpr std::chrono::milliseconds kTimeout{5000};

std::string base64(const std::string& in) {
  static const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int val = 0, bits = -6;
  for (unsigned char c : in) {
    val = (val << 8) + c;
    bits += 8;
    while (bits >= 0) {
      out.push_back(table[(val >> bits) & 0x3F]);
      bits -= 6;
    }
  }
  if (bits > -6) out.push_back(table[((val << 8) >> (bits + 8)) & 0x3F]);
  while (out.size() % 4) out.push_back('=');
  return out;
}

}  // namespace

MlflowRegistry::MlflowRegistry(std::string baseUrl, MlflowCredentials credentials)
    : baseUrl_(std::move(baseUrl)), credentials_(std::move(credentials)) {
  while (!baseUrl_.empty() && baseUrl_.back() == '/') baseUrl_.pop_back();
}

Result<std::string> MlflowRegistry::call(const std::string& method, const std::string& path, const std::string& body) {
  std::map<std::string, std::string> headers{{"Accept", "application/json"}};
  if (!body.empty()) headers["Content-Type"] = "application/json";
  if (!credentials_.username.empty()) {
    headers["Authorization"] = "Basic " + base64(credentials_.username + ":" + credentials_.password);
  }
  auto answer = httpFetch(method, baseUrl_ + "/api/2.0/mlflow/" + path, body, headers, kTimeout);
  if (!answer.ok()) {
    Error e = answer.error();
    e.message = "MLflow at " + baseUrl_ + " unreachable: " + e.message;
    return e;
  }
  if (answer->status < 200 || answer->status >= 300) return mlflowError(answer->status, answer->body);
  return answer->body;
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
