#include "analysis/json_number.h"

#include <nlohmann/json.hpp>

namespace aviary::analysis {

namespace {

using Json = nlohmann::json;

Result<MetricValue> toMetric(const Json& node, const std::string& path) {
  if (node.is_null()) return MetricValue{NoData{}};
  if (node.is_number()) return MetricValue{Scalar{node.get<double>()}};
  if (node.is_object() && node.contains("events") && node.contains("total") && node["events"].is_number() &&
      node["total"].is_number()) {
    return MetricValue{Counts{node["events"].get<double>(), node["total"].get<double>()}};
  }
  if (node.is_array()) {
    Samples s;
    for (const auto& item : node) {
      if (!item.is_number()) return makeError(ErrorCode::BadRequest, path + ": array holds a non-number " + item.dump());
      s.values.push_back(item.get<double>());
    }
    if (s.values.empty()) return MetricValue{NoData{}};
    return MetricValue{s};
  }
  return makeError(ErrorCode::BadRequest, path + " selects " + node.dump().substr(0, 80) + ", not a number");
}

}  // namespace

Result<MetricValue> selectMetric(const std::string& jsonText, const std::string& path) {
  Json root = Json::parse(jsonText, nullptr, false);
  if (root.is_discarded()) return makeError(ErrorCode::BadRequest, "answer is not JSON: " + jsonText.substr(0, 120));
  if (path.empty() || path[0] != '$') return makeError(ErrorCode::InvalidSpec, "jsonPath must start with $: " + path);
  std::vector<Json> nodes{root};
  size_t pos = 1;
  bool spread = false;
  while (pos < path.size()) {
    std::vector<Json> next;
    if (path[pos] == '.') {
      size_t end = path.find_first_of(".[", pos + 1);
      std::string field = path.substr(pos + 1, end == std::string::npos ? std::string::npos : end - pos - 1);
      for (auto& n : nodes) {
        if (n.is_object() && n.contains(field)) next.push_back(n[field]);
      }
      pos = end == std::string::npos ? path.size() : end;
    } else if (path[pos] == '[') {
      size_t end = path.find(']', pos);
      if (end == std::string::npos) return makeError(ErrorCode::InvalidSpec, "unclosed [ in jsonPath " + path);
      std::string inside = path.substr(pos + 1, end - pos - 1);
      for (auto& n : nodes) {
        if (inside == "*" && n.is_array()) {
          for (auto& item : n) next.push_back(item);
          spread = true;
        } else if (inside.size() >= 2 && (inside[0] == '\'' || inside[0] == '"')) {
          std::string field = inside.substr(1, inside.size() - 2);
          if (n.is_object() && n.contains(field)) next.push_back(n[field]);
        } else if (!inside.empty() && inside.find_first_not_of("0123456789") == std::string::npos && n.is_array()) {
          // An index with more digits than any array could have is simply out of range (std::stoul
          // would throw on it: found by tests/fuzz/webhook_response_fuzzer.cc).
          if (inside.size() <= 9) {
            size_t index = std::stoul(inside);
            if (index < n.size()) next.push_back(n[index]);
          }
        } else if (inside != "*") {
          return makeError(ErrorCode::InvalidSpec, "unsupported jsonPath segment [" + inside + "] in " + path);
        }
      }
      pos = end + 1;
    } else {
      return makeError(ErrorCode::InvalidSpec, "unexpected '" + std::string(1, path[pos]) + "' in jsonPath " + path);
    }
    nodes = std::move(next);
  }
  if (spread) return toMetric(Json(nodes), path);
  if (nodes.empty()) return MetricValue{NoData{}};
  return toMetric(nodes.front(), path);
}

}  // namespace aviary::analysis
