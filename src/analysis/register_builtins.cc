// The built-in metric providers: one line each.
#include "analysis/command/command_provider.h"
#include "analysis/prometheus/prometheus_provider.h"
#include "analysis/webhook/webhook_provider.h"
#include "aviary/analysis/analysis_runner.h"

namespace aviary::analysis {

namespace {

// Stands in for a provider the operator was not allowed to run.
class DisabledProvider : public MetricProvider {
 public:
  explicit DisabledProvider(std::string why) : why_(std::move(why)) {}
  Result<MetricValue> fetch(const api::Gate&, const QueryContext&) override {
    return makeError(ErrorCode::InvalidSpec, why_);
  }

 private:
  std::string why_;
};

}  // namespace

void registerBuiltinProviders(ProviderRegistry& registry, const Clock& clock, const ProviderOptions& options) {
  registry.add(api::ProviderKind::Prometheus, std::make_unique<PrometheusProvider>(clock, options.egress));
  if (options.commandGates) {
    registry.add(api::ProviderKind::Command, std::make_unique<CommandProvider>());
  } else {
    registry.add(api::ProviderKind::Command,
                 std::make_unique<DisabledProvider>("command gates are disabled on this operator (they run programs in "
                                                    "its container): start it with --enable-command-gates to allow them"));
  }
  registry.add(api::ProviderKind::Webhook, std::make_unique<WebhookProvider>(options.egress));
}

}  // namespace aviary::analysis
