#pragma once
#include "aviary/analysis/provider.h"
#include "aviary/common/clock.h"

namespace aviary::analysis {

// Runs a gate's PromQL against the Prometheus HTTP API: an instant query, or a range query over
// `range` (step `step`, default 15s) when the gate wants a sample set. With `totalQuery` the answer is
// Counts{query, totalQuery} for the proportion judge. Credentials come from the context's secrets
// ("token" → bearer; "username"/"password" → basic).
class PrometheusProvider final : public MetricProvider {
 public:
  explicit PrometheusProvider(const Clock& clock) : clock_(clock) {}
  Result<MetricValue> fetch(const api::Gate& gate, const QueryContext& context) override;

 private:
  Result<MetricValue> run(const api::PrometheusProvider& spec, const std::string& query, const QueryContext& context);
  const Clock& clock_;
};

}  // namespace aviary::analysis
