#pragma once
#include "aviary/analysis/provider.h"
#include "aviary/common/clock.h"
#include "aviary/common/egress_policy.h"

namespace aviary::analysis {

// Runs a gate's PromQL against the Prometheus HTTP API: an instant query, or a range query over
// `range` (step `step`, default 15s) when the gate wants a sample set. With `totalQuery` the answer is
// Counts{query, totalQuery} for the proportion judge. Credentials come from the context's secrets
// ("token" → bearer; "username"/"password" → basic).
class PrometheusProvider final : public MetricProvider {
 public:
  // egress: checked on every request (not owned; nullptr = none).
  explicit PrometheusProvider(const Clock& clock, const EgressPolicy* egress = nullptr) : clock_(clock), egress_(egress) {}
  Result<MetricValue> fetch(const api::Gate& gate, const QueryContext& context) override;

 private:
  Result<MetricValue> run(const api::PrometheusProvider& spec, const std::string& query, const QueryContext& context);
  const Clock& clock_;
  const EgressPolicy* egress_;
};

}  // namespace aviary::analysis
