#include "analysis/prometheus/prometheus_response.h"

#include <algorithm>
#include <cstdlib>
#include <map>

#include <nlohmann/json.hpp>

namespace aviary::analysis {

namespace {

using Json = nlohmann::json;
// Only .at() below: operator[] on a const json with a missing key is undefined behaviour, and answers
// are untrusted (tests/fuzz/prometheus_response_fuzzer.cc found one that read out of bounds).

// Prometheus writes sample values as strings: "0.25", "NaN", "+Inf".
double sampleValue(const Json& point) { return std::strtod(point.at(1).get<std::string>().c_str(), nullptr); }

bool isHistogram(const Json& result) {
  return !result.empty() && std::all_of(result.begin(), result.end(), [](const Json& series) {
           return series.is_object() && series.contains("metric") && series.at("metric").is_object() &&
                  series.at("metric").contains("le");
         });
}

Histogram toHistogram(const Json& result) {
  std::map<double, double> perBound;
  for (const auto& series : result) {
    double bound = std::strtod(series.at("metric").at("le").get<std::string>().c_str(), nullptr);
    perBound[bound] += sampleValue(series.at("value"));
  }
  Histogram h;
  for (const auto& [bound, count] : perBound) h.buckets.push_back({bound, count});
  return h;
}

MetricValue fromVector(const Json& result) {
  if (!result.is_array()) throw Json::type_error::create(302, "vector result is not an array", &result);
  if (result.empty()) return NoData{};
  if (isHistogram(result)) return toHistogram(result);
  if (result.size() == 1) return Scalar{sampleValue(result.at(0).at("value"))};
  Samples s;
  for (const auto& series : result) s.values.push_back(sampleValue(series.at("value")));
  return s;
}

MetricValue fromMatrix(const Json& result) {
  if (!result.is_array()) throw Json::type_error::create(302, "matrix result is not an array", &result);
  Samples s;
  for (const auto& series : result) {
    for (const auto& point : series.at("values")) s.values.push_back(sampleValue(point));
  }
  if (s.values.empty()) return NoData{};
  return s;
}

}  // namespace

Result<MetricValue> parsePrometheusResponse(long httpStatus, const std::string& body) {
  Json answer = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (answer.is_discarded() || !answer.is_object()) {
    return makeError(ErrorCode::Unavailable, "Prometheus answered HTTP " + std::to_string(httpStatus) +
                                                 " with a body that is not JSON: " + body.substr(0, 200));
  }
  auto text = [&answer](const char* key, std::string fallback) {
    auto it = answer.find(key);
    return it != answer.end() && it->is_string() ? it->get<std::string>() : fallback;
  };
  if (text("status", "") != "success") {
    return makeError(httpStatus == 400 || httpStatus == 422 ? ErrorCode::BadRequest : ErrorCode::Unavailable,
                     "Prometheus query failed (" + text("errorType", "HTTP " + std::to_string(httpStatus)) +
                         "): " + text("error", "no message").substr(0, 200));
  }
  try {
    const Json& data = answer.at("data");
    const std::string type = data.at("resultType").get<std::string>();
    const Json& result = data.at("result");
    if (type == "scalar") return MetricValue{Scalar{sampleValue(result)}};
    if (type == "vector") return fromVector(result);
    if (type == "matrix") return fromMatrix(result);
    return makeError(ErrorCode::BadRequest, "Prometheus result type \"" + type + "\" is not a number (use a vector query)");
  } catch (const Json::exception& e) {
    return makeError(ErrorCode::Unavailable, std::string("unexpected Prometheus answer: ") + e.what());
  }
}

}  // namespace aviary::analysis
