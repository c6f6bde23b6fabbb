#include "aviary/analysis/analysis_runner.h"

namespace aviary::analysis {

void ProviderRegistry::add(api::ProviderKind kind, MetricProviderPtr provider) {
  providers_.emplace_back(kind, std::move(provider));
}

MetricProvider* ProviderRegistry::find(api::ProviderKind kind) const {
  for (const auto& [k, provider] : providers_) {
    if (k == kind) return provider.get();
  }
  return nullptr;
}

api::ProviderKind providerKind(const api::Gate& gate) {
  if (gate.command) return api::ProviderKind::Command;
  if (gate.webhook) return api::ProviderKind::Webhook;
  return api::ProviderKind::Prometheus;  // validated: exactly one provider is set
}

}  // namespace aviary::analysis
