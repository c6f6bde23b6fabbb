#include "analysis/prometheus/prometheus_response.h"

#include <algorithm>
#include <cstdlib>
#include <map>

#include <nlohmann/json.hpp>

namespace aviary::analysis {

namespace {

using Json = nlohmann::json;

// Prometheus writes sample values as strings: "0.25", "NaN", "+Inf".
double sampleValue(const Json& point) { return std::strtod(point.at(1).get<std::string>().c_str(), nullptr); }

bool isHistogram(const Json& result) {
  return !result.empty() && std::all_of(result.begin(), result.end(), [](const Json& series) {
           return series.contains("metric") && series["metric"].contains("le");
         });
}

Histogram toHistogram(const Json& result) {
  std::map<double, double> perBound;
  for (const auto& series : result) {
    double bound = std::strtod(series["metric"]["le"].get<std::string>().c_str(), nullptr);
    perBound[bound] += sampleValue(series["value"]);
  }
  Histogram h;
  for (const auto& [bound, count] : perBound) h.buckets.push_back({bound, count});
  return h;
}

MetricValue fromVector(const Json& result) {
  if (result.empty()) return NoData{};
  if (isHistogram(result)) return toHistogram(result);
  if (result.size() == 1) return Scalar{sampleValue(result[0]["value"])};
  Samples s;
  for (const auto& series : result) s.values.push_back(sampleValue(series["value"]));
  return s;
}

MetricValue fromMatrix(const Json& result) {
  Samples s;
  for (const auto& series : result) {
    for (const auto& point : series["values"]) s.values.push_back(sampleValue(point));
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
  if (answer.value("status", "") != "success") {
    return makeError(httpStatus == 400 || httpStatus == 422 ? ErrorCode::BadRequest : ErrorCode::Unavailable,
                     "Prometheus query failed (" + answer.value("errorType", std::string("HTTP ") + std::to_string(httpStatus)) +
                         "): " + answer.value("error", std::string("no message")));
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
