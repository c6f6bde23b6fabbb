#pragma once
#include "aviary/analysis/provider.h"

namespace aviary::analysis {

// Calls an HTTP endpoint (GET, or POST with a templated body) and selects the measurement from its
// JSON answer with the gate's jsonPath. The context's "token" secret (webhook.bearerTokenSecret) is
// sent as "Authorization: Bearer". A non-2xx answer (a rejected token too) or a timeout is an Error.
class WebhookProvider final : public MetricProvider {
 public:
  Result<MetricValue> fetch(const api::Gate& gate, const QueryContext& context) override;
};

}  // namespace aviary::analysis
