// The built-in metric providers: one line each.
#include "analysis/command/command_provider.h"
#include "analysis/prometheus/prometheus_provider.h"
#include "analysis/webhook/webhook_provider.h"
#include "aviary/analysis/analysis_runner.h"

namespace aviary::analysis {

void registerBuiltinProviders(ProviderRegistry& registry, const Clock& clock) {
  registry.add(api::ProviderKind::Prometheus, std::make_unique<PrometheusProvider>(clock));
  registry.add(api::ProviderKind::Command, std::make_unique<CommandProvider>());
  registry.add(api::ProviderKind::Webhook, std::make_unique<WebhookProvider>());
}

}  // namespace aviary::analysis
