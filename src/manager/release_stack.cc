#include "manager/release_stack.h"

#include <unistd.h>

#include "aviary/analysis/gate_credentials.h"
#include "aviary/k8s/secret_reader.h"
#include "aviary/registry/model_registry.h"
#include "aviary/telemetry/operator_metrics.h"

namespace aviary::manager {

namespace {

std::string hostName() {
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  return host;
}

}  // namespace

ReleaseStack::ReleaseStack(k8s::Client& server, ReleaseInformers informers, const Clock& clock, runtime::Logger& logger,
                           telemetry::OperatorMetrics& metrics, telemetry::MetricsRegistry& registry,
                           notify::WebhookNotifierOptions notifications, const analysis::ProviderOptions& providers,
                           int measurementWorkers, ReleaseWakers wakers)
    : client_(server) {
  client_.addCache(informers.releases);
  client_.addCache(informers.deployments);
  client_.addCache(informers.services);
  for (runtime::Informer* routes : informers.routes) client_.addCache(*routes);
  applier_ = workload::makeKubeWorkloadApplier(client_);
  traffic::registerBuiltinRouters(routers_);
  analysis::registerBuiltinProviders(providers_, clock, providers);
  k8s::Client& secrets = server;
  analysis::SecretResolver gateSecrets = [&secrets](const api::ModelRelease& release, const api::Gate& gate) {
    const std::string& ns = release.metadata.namespace_;
    return analysis::gateCredentials(gate, [&secrets, &ns](const std::string& name, const std::string& key) {
      return k8s::readSecretValue(secrets, ns, name, key);
    });
  };
  measurements_ = std::make_unique<analysis::MeasurementPool>(
      clock, analysis::MeasurementPoolOptions{measurementWorkers, 10'000,
                                              [wakers](const std::string& key, bool failing) {
                                                (failing ? wakers.first : wakers.inTurn)(key);
                                              },
                                              [series = metrics.measurementsPending.withLabels()](size_t pending) {
                                                series.set(static_cast<double>(pending));
                                              }});
  analysis_ = std::make_unique<analysis::AnalysisRunner>(providers_, clock, std::move(gateSecrets), measurements_.get());
  runtime::EventRecorderOptions eventOptions;
  eventOptions.reportingInstance = hostName();
  events_ = std::make_unique<runtime::KubeEventRecorder>(server, clock, logger, eventOptions);

  controller::RegistryResolver registries = [&secrets](const api::ModelRelease& release) -> registry::ModelRegistryPtr {
    const auto& mlflow = release.spec.registry.mlflow;
    if (!mlflow) return nullptr;
    registry::MlflowCredentials credentials;
    if (!mlflow->credentialsSecret.empty()) {
      const auto& ns = release.metadata.namespace_;
      // An unreadable Secret leaves the credentials empty: MLflow then answers 401, which the release
      // shows as a registry error naming the server.
      credentials.username = k8s::readSecretValue(secrets, ns, mlflow->credentialsSecret, "username").valueOr("");
      credentials.password = k8s::readSecretValue(secrets, ns, mlflow->credentialsSecret, "password").valueOr("");
    }
    return registry::makeMlflowRegistry(mlflow->url, credentials);
  };
  notify::SecretUrlReader webhookUrls = [&secrets](const std::string& ns, const api::SecretKeyRef& ref) {
    return k8s::readSecretValue(secrets, ns, ref.name, ref.key);
  };
  notifier_ = std::make_unique<notify::WebhookNotifier>(clock, logger, registry, std::move(webhookUrls),
                                                        std::move(notifications));
  reconciler_ = std::make_unique<controller::ReleaseReconciler>(controller::ReconcilerDeps{
      client_, informers.releases, informers.approvals, informers.deployments, informers.services, *applier_, routers_, *analysis_,
      std::move(registries), *events_, clock, logger, &metrics, notifier_.get(), wakers.first});
}

ReleaseStack::~ReleaseStack() {
  if (measurements_) measurements_->shutDown();  // before the providers its fetches use
  if (events_) events_->shutDown();
  if (notifier_) notifier_->shutDown();
}

}  // namespace aviary::manager
