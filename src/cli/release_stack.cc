#include "cli/release_stack.h"

#include <unistd.h>

#include "aviary/registry/model_registry.h"

namespace aviary::cli {

namespace {

std::string decodeBase64(const std::string& in) {
  std::string out;
  int val = 0, bits = -8;
  for (unsigned char c : in) {
    int d;
    if (c >= 'A' && c <= 'Z') d = c - 'A';
    else if (c >= 'a' && c <= 'z') d = c - 'a' + 26;
    else if (c >= '0' && c <= '9') d = c - '0' + 52;
    else if (c == '+') d = 62;
    else if (c == '/') d = 63;
    else break;  // '=' padding or junk ends the data
    val = (val << 6) | d;
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((val >> bits) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

// A Secret's data[key], decoded; "" when absent. Secrets are read from the server (never cached).
std::string secretValue(k8s::Client& client, const std::string& ns, const std::string& name, const std::string& key) {
  auto secret = client.get(k8s::resources::kSecrets, ns, name);
  if (!secret.ok()) return "";
  return decodeBase64(secret->value("data", nlohmann::json::object()).value(key, std::string()));
}

std::string hostName() {
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  return host;
}

}  // namespace

ReleaseStack::ReleaseStack(k8s::Client& server, ReleaseInformers informers, const Clock& clock, runtime::Logger& logger,
                           telemetry::OperatorMetrics& metrics)
    : client_(server) {
  client_.addCache(informers.releases);
  client_.addCache(informers.deployments);
  client_.addCache(informers.services);
  applier_ = workload::makeKubeWorkloadApplier(client_);
  traffic::registerBuiltinRouters(routers_);
  analysis::registerBuiltinProviders(providers_, clock);
  analysis_ = std::make_unique<analysis::AnalysisRunner>(providers_);
  runtime::EventRecorderOptions eventOptions;
  eventOptions.reportingInstance = hostName();
  events_ = std::make_unique<runtime::KubeEventRecorder>(server, clock, logger, eventOptions);

  k8s::Client& secrets = server;
  controller::RegistryResolver registries = [&secrets](const api::ModelRelease& release) -> registry::ModelRegistryPtr {
    const auto& mlflow = release.spec.registry.mlflow;
    if (!mlflow) return nullptr;
    registry::MlflowCredentials credentials;
    if (!mlflow->credentialsSecret.empty()) {
      const auto& ns = release.metadata.namespace_;
      credentials.username = secretValue(secrets, ns, mlflow->credentialsSecret, "username");
      credentials.password = secretValue(secrets, ns, mlflow->credentialsSecret, "password");
    }
    return registry::makeMlflowRegistry(mlflow->url, credentials);
  };
  reconciler_ = std::make_unique<controller::ReleaseReconciler>(controller::ReconcilerDeps{
      client_, informers.releases, informers.approvals, informers.deployments, *applier_, routers_, *analysis_,
      std::move(registries), *events_, clock, logger, &metrics});
}

ReleaseStack::~ReleaseStack() {
  if (events_) events_->shutDown();
}

}  // namespace aviary::cli
