#pragma once
#include "aviary/analysis/provider.h"

namespace aviary::analysis {

// Calls an HTTP endpoint (GET, or POST with a templated body) and selects the measurement from its
// JSON answer with the gate's jsonPath. A non-2xx answer or a timeout is an Error.
class WebhookProvider final : public MetricProvider {
 public:
  Result<MetricValue> fetch(const api::Gate& gate, const QueryContext& context) override;
};

}  // namespace aviary::analysis
