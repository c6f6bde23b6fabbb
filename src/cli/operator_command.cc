// aviary operator: parses the flags, builds the Kubernetes client, the logger and the egress policy,
// and runs the manager (aviary/manager/manager.h), which is the controller process.
// Exit 0 after SIGTERM/SIGINT; 1 when an endpoint cannot start or leadership is lost; 2 on bad flags.

#include <iostream>

#include "aviary/k8s/kube_client.h"
#include "aviary/manager/manager.h"
#include "aviary/runtime/log.h"
#include "aviary/runtime/signals.h"
#include "aviary/telemetry/metrics_registry.h"
#include "aviary/telemetry/operator_metrics.h"
#include "cli/commands.h"
#include "cli/egress_setup.h"
#include "cli/operator_flags.h"

namespace aviary::cli {

namespace {

// Every request of the operator's own client counts in aviary_kube_requests_total{verb, code}.
k8s::RequestObserver countRequests(telemetry::OperatorMetrics& metrics) {
  return [&counter = metrics.kubeRequests](const std::string& verb, long code) {
    counter.withLabels({"verb", verb}, {"code", std::to_string(code)}).inc();
  };
}

}  // namespace

int operatorCommand(const Invocation& call) {
  // First, before any thread exists, so every thread inherits the blocked signals.
  runtime::ShutdownSignals signals;
  auto flags = parseOperatorFlags(call.args);
  if (!flags) {
    call.err << "aviary operator: " << flags.error().message << "\n" << kOperatorUsage;
    return kExitUsage;
  }
  SystemClock clock;
  runtime::Logger logger(call.err, clock, flags->logLevel);
  telemetry::MetricsRegistry registry;
  telemetry::OperatorMetrics metrics(registry, AVIARY_VERSION);
  k8s::ClientOptions clientOptions;
  clientOptions.kubeconfigPath = flags->kubeconfig;
  clientOptions.userAgent = "aviary-operator/" AVIARY_VERSION;
  clientOptions.qps = flags->kubeQps;
  clientOptions.burst = flags->kubeBurst;
  clientOptions.onRequest = countRequests(metrics);
  auto restConfig = k8s::resolveRestConfig(clientOptions);
  if (!restConfig) {
    logger.error("no Kubernetes client", {{"error", restConfig.error().describe()}});
    return kExitFailure;
  }
  auto client = k8s::makeClient(*restConfig, clientOptions);
  if (!client) {
    logger.error("no Kubernetes client", {{"error", client.error().describe()}});
    return kExitFailure;
  }
  auto egress = operatorEgressPolicy(*flags, restConfig->server);
  if (!egress) {
    call.err << "aviary operator: " << egress.error().message << "\n";
    return kExitUsage;
  }
  const auto& options = flags->manager;
  logger.info("starting", {{"version", AVIARY_VERSION}, {"namespace", options.namespace_.empty() ? "*" : options.namespace_},
                           {"workers", options.workers}, {"measurementWorkers", options.measurementWorkers},
                           {"wokenWorkers", options.wokenWorkers},
                           {"leaderElect", options.leaderElect},
                           {"egressLoopback", egress->loopbackAllowed() ? "allowed" : "denied"}});
  manager::Manager manager(options, **client, *restConfig, logger, signals, registry, metrics, std::move(*egress));
  return manager.run() == manager::RunOutcome::Stopped ? kExitOk : kExitFailure;
}

}  // namespace aviary::cli
