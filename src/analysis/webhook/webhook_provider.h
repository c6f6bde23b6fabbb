#pragma once
#include "aviary/analysis/provider.h"
#include "aviary/common/egress_policy.h"

namespace aviary::analysis {

// Calls an HTTP endpoint (GET, or POST with a templated body) and selects the measurement from its
// JSON answer with the gate's jsonPath. The context's "token" secret (webhook.bearerTokenSecret) is
// sent as "Authorization: Bearer". A non-2xx answer (a rejected token too) or a timeout is an Error.
// The URL is checked against the egress policy (not owned; nullptr = none) and the answer bounded to
// kMaxAnswerBytes.
class WebhookProvider final : public MetricProvider {
 public:
  static constexpr std::size_t kMaxAnswerBytes = 1u << 20;
  explicit WebhookProvider(const EgressPolicy* egress = nullptr) : egress_(egress) {}
  Result<MetricValue> fetch(const api::Gate& gate, const QueryContext& context) override;

 private:
  const EgressPolicy* egress_;
};

}  // namespace aviary::analysis
