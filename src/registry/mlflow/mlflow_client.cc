#include "registry/mlflow/mlflow_client.h"

#include <map>

#include <nlohmann/json.hpp>

#include "aviary/common/http_fetch.h"
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

MlflowClient::MlflowClient(std::string baseUrl, MlflowCredentials credentials)
    : baseUrl_(std::move(baseUrl)), credentials_(std::move(credentials)) {
  while (!baseUrl_.empty() && baseUrl_.back() == '/') baseUrl_.pop_back();
}

Result<std::string> MlflowClient::call(const std::string& method, const std::string& path, const std::string& body) const {
  return raw(method, "/api/2.0/mlflow/" + path, body, "application/json");
}

Result<std::string> MlflowClient::raw(const std::string& method, const std::string& path, const std::string& body,
                                      const std::string& contentType) const {
  std::map<std::string, std::string> headers{{"Accept", "application/json"}};
  if (!body.empty()) headers["Content-Type"] = contentType;
  if (!credentials_.username.empty()) {
    headers["Authorization"] = "Basic " + base64(credentials_.username + ":" + credentials_.password);
  }
  auto answer = httpFetch(method, baseUrl_ + path, body, headers, kTimeout);
  if (!answer.ok()) {
    Error e = answer.error();
    e.message = "MLflow at " + baseUrl_ + " unreachable: " + e.message;
    return e;
  }
  if (answer->status < 200 || answer->status >= 300) return mlflowError(answer->status, answer->body);
  return answer->body;
}

}  // namespace aviary::registry
