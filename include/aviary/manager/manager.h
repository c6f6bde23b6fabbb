#pragma once
// The operator's manager: the process that watches ModelReleases, ReleaseApprovals and the
// Deployments/Services labelled aviary.dev/release (and the route types the API server serves), and
// reconciles releases on a work queue; with leader election only the replica holding the Lease
// reconciles (the others keep warm caches). It also serves /healthz, /readyz and /metrics, the release
// API and the dashboard when asked to.
// run() returns after a requested stop (SIGTERM/SIGINT: stop taking work, finish the reconciles in
// flight, release the Lease) or when leadership is lost (a new process starts clean, as with
// client-go's operators).

#include <memory>

#include "aviary/common/egress_policy.h"
#include "aviary/k8s/client.h"
#include "aviary/k8s/kube_client.h"
#include "aviary/manager/manager_options.h"
#include "aviary/runtime/log.h"
#include "aviary/runtime/signals.h"
#include "aviary/telemetry/metrics_registry.h"
#include "aviary/telemetry/operator_metrics.h"

namespace aviary::manager {

enum class RunOutcome {
  Stopped,         // a requested stop, after draining
  StartFailed,     // an endpoint could not listen (logged)
  LostLeadership,  // another replica took the Lease
};

class Manager {
 public:
  // client, logger, signals, registry and metrics must outlive the manager (the client reports to
  // metrics already). restConfig is the operator's, for the release API's calls made as each caller.
  Manager(ManagerOptions options, k8s::Client& client, k8s::RestConfig restConfig, runtime::Logger& logger,
          runtime::ShutdownSignals& signals, telemetry::MetricsRegistry& registry, telemetry::OperatorMetrics& metrics,
          EgressPolicy egress);
  ~Manager();
  Manager(const Manager&) = delete;
  Manager& operator=(const Manager&) = delete;

  // Runs until a stop is requested or leadership is lost.
  RunOutcome run();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace aviary::manager
