#include "analysis/prometheus/prometheus_provider.h"

#include "aviary/common/http_fetch.h"
#include "analysis/prometheus/prometheus_response.h"
#include "aviary/common/duration.h"

namespace aviary::analysis {

namespace {

std::string unixSeconds(TimePoint t) {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count());
}

std::map<std::string, std::string> authHeaders(const QueryContext& context) {
  std::map<std::string, std::string> headers{{"Accept", "application/json"}};
  if (auto token = context.secrets.find("token"); token != context.secrets.end()) {
    headers["Authorization"] = "Bearer " + token->second;
  }
  return headers;
}

std::string withBasicAuth(const std::string& address, const QueryContext& context) {
  auto user = context.secrets.find("username"), password = context.secrets.find("password");
  if (user == context.secrets.end() || password == context.secrets.end()) return address;
  auto scheme = address.find("://");
  if (scheme == std::string::npos) return address;
  return address.substr(0, scheme + 3) + urlEncode(user->second) + ":" + urlEncode(password->second) + "@" +
         address.substr(scheme + 3);
}

}  // namespace

Result<MetricValue> PrometheusProvider::run(const api::PrometheusProvider& spec, const std::string& query,
                                            const QueryContext& context) {
  std::string base = withBasicAuth(spec.address, context);
  while (!base.empty() && base.back() == '/') base.pop_back();
  std::string url;
  const std::string rendered = urlEncode(renderTemplate(query, context));
  if (spec.range) {
    const TimePoint end = clock_.now();
    const TimePoint start = end - durationOr(spec.range, Duration{300'000});
    const auto step = std::chrono::duration_cast<std::chrono::seconds>(durationOr(spec.step, Duration{15'000}));
    url = base + "/api/v1/query_range?query=" + rendered + "&start=" + unixSeconds(start) + "&end=" + unixSeconds(end) +
          "&step=" + std::to_string(std::max<long long>(1, step.count()));
  } else {
    url = base + "/api/v1/query?query=" + rendered;
  }
  const Duration timeout = std::min(durationOr(spec.timeout, Duration{5'000}), Duration{5'000});
  FetchOptions options;
  options.timeout = timeout;
  options.egress = egress_;
  auto answer = httpFetch("GET", url, "", authHeaders(context), options);
  if (!answer.ok()) return answer.error();
  return parsePrometheusResponse(answer->status, answer->body);
}

Result<MetricValue> PrometheusProvider::fetch(const api::Gate& gate, const QueryContext& context) {
  if (!gate.prometheus) return makeError(ErrorCode::InvalidSpec, "gate " + gate.name + " has no prometheus provider");
  const auto& spec = *gate.prometheus;
  auto value = run(spec, spec.query, context);
  if (!value.ok() || !spec.totalQuery) return value;
  auto total = run(spec, *spec.totalQuery, context);
  if (!total.ok()) return total;
  if (std::holds_alternative<NoData>(*value) && std::holds_alternative<NoData>(*total)) return MetricValue{NoData{}};
  auto* events = std::get_if<Scalar>(&*value);
  auto* all = std::get_if<Scalar>(&*total);
  // No error series at all is zero errors, as long as there was traffic.
  if (std::holds_alternative<NoData>(*value) && all) return MetricValue{Counts{0, all->value}};
  if (!events || !all) {
    return makeError(ErrorCode::BadRequest, "gate " + gate.name + ": query and totalQuery must each return one number, got " +
                                                describeShape(*value) + " and " + describeShape(*total));
  }
  return MetricValue{Counts{events->value, all->value}};
}

}  // namespace aviary::analysis
