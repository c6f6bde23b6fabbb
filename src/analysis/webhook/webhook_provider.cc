#include "analysis/webhook/webhook_provider.h"

#include "aviary/common/http_fetch.h"
#include "analysis/json_number.h"
#include "aviary/common/duration.h"

namespace aviary::analysis {

Result<MetricValue> WebhookProvider::fetch(const api::Gate& gate, const QueryContext& context) {
  if (!gate.webhook) return makeError(ErrorCode::InvalidSpec, "gate " + gate.name + " has no webhook provider");
  const auto& spec = *gate.webhook;
  std::map<std::string, std::string> headers{{"Accept", "application/json"}};
  std::string body;
  if (spec.body) {
    body = renderTemplate(*spec.body, context);
    headers["Content-Type"] = "application/json";
  }
  if (auto token = context.secrets.find("token"); token != context.secrets.end()) {
    headers["Authorization"] = "Bearer " + token->second;
  }
  FetchOptions options;
  options.timeout = durationOr(spec.timeout, Duration{5'000});
  options.egress = egress_;
  options.maxBodyBytes = kMaxAnswerBytes;
  auto answer = httpFetch(spec.method, renderTemplate(spec.url, context), body, headers, options);
  if (!answer.ok()) return answer.error();
  if (answer->status < 200 || answer->status >= 300) {
    return makeError(ErrorCode::Unavailable,
                     "webhook answered HTTP " + std::to_string(answer->status) + ": " + answer->body.substr(0, 200));
  }
  return selectMetric(answer->body, spec.jsonPath);
}

}  // namespace aviary::analysis
