#pragma once
// Everything the release reconciler needs, built once the operator's informers exist: the client that
// reads from their caches, the workload applier, routers, metric providers, the model-registry
// resolver, the Event recorder, the webhook notifier and the pool that fetches gate measurements. Owned by the operator for its lifetime.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "aviary/analysis/analysis_runner.h"
#include "aviary/analysis/measurement_pool.h"
#include "aviary/controller/cache_reading_client.h"
#include "aviary/controller/release_reconciler.h"
#include "aviary/notify/webhook_notifier.h"
#include "aviary/runtime/event_recorder.h"
#include "aviary/traffic/router.h"
#include "aviary/workload/applier.h"

namespace aviary::manager {

struct ReleaseInformers {
  runtime::Informer& releases;
  runtime::Informer& approvals;   // with controller::approvalReleaseIndex() as "release"
  runtime::Informer& deployments; // labelled, with the "release" label index
  runtime::Informer& services;
  std::vector<runtime::Informer*> routes;  // HTTPRoutes, VirtualServices: those the API server serves
};

// How the stack enqueues a release key: ahead of every waiting key (a failing gate look, a pass that
// waited for the cache to catch up with its own write), or in turn (a look that passed or erred).
struct ReleaseWakers {
  std::function<void(const std::string&)> first;
  std::function<void(const std::string&)> inTurn;
};

class ReleaseStack {
 public:
  ReleaseStack(k8s::Client& server, ReleaseInformers informers, const Clock& clock, runtime::Logger& logger,
               telemetry::OperatorMetrics& metrics, telemetry::MetricsRegistry& registry,
               notify::WebhookNotifierOptions notifications, const analysis::ProviderOptions& providers,
               int measurementWorkers, ReleaseWakers wakers);
  ~ReleaseStack();
  runtime::Reconciler& reconciler() { return *reconciler_; }

 private:
  controller::CacheReadingClient client_;
  workload::WorkloadApplierPtr applier_;
  traffic::RouterRegistry routers_;
  analysis::ProviderRegistry providers_;
  std::unique_ptr<analysis::MeasurementPool> measurements_;
  std::unique_ptr<analysis::AnalysisRunner> analysis_;
  std::unique_ptr<runtime::KubeEventRecorder> events_;
  std::unique_ptr<notify::WebhookNotifier> notifier_;
  std::unique_ptr<controller::ReleaseReconciler> reconciler_;
};

}  // namespace aviary::manager
