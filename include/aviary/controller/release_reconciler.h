#pragma once
// The reconcile of one ModelRelease, as a straight pipeline:
//   observe (caches, router, analysis stages, approvals, registry) → plan (pure) → act (idempotent
//   writes) → one status patch (skipped when unchanged) → when to look again.
// State lives in status only, so any pass may be the first after a restart.
// Thread-safety: reconcile() may run concurrently for different keys (the work queue never hands one
// key to two workers).

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "aviary/analysis/analysis_runner.h"
#include "aviary/api/model_release.h"
#include "aviary/common/clock.h"
#include "aviary/common/result.h"
#include "aviary/controller/cache_behind_waits.h"
#include "aviary/controller/first_look_holds.h"
#include "aviary/k8s/client.h"
#include "aviary/notify/notifier.h"
#include "aviary/registry/model_registry.h"
#include "aviary/release/actions.h"
#include "aviary/release/planner.h"
#include "aviary/runtime/controller.h"
#include "aviary/runtime/event_recorder.h"
#include "aviary/runtime/informer.h"
#include "aviary/runtime/log.h"
#include "aviary/traffic/router.h"
#include "aviary/workload/applier.h"
#include "aviary/workload/writes_at_once.h"

namespace aviary::telemetry {
class OperatorMetrics;
}

namespace aviary::controller {

// The registry a release's spec.registry names (MLflow credentials resolved from its Secret), or null
// when it names none.
using RegistryResolver = std::function<registry::ModelRegistryPtr(const api::ModelRelease&)>;

struct ReconcilerDeps {
  k8s::Client& client;        // reads served from the caches, writes to the API server (CacheReadingClient)
  runtime::Informer& releases;
  runtime::Informer& approvals;
  runtime::Informer& deployments;  // labelled aviary.dev/release, with the "release" label index
  runtime::Informer& services;     // labelled aviary.dev/release: drift of the three Services is repaired
  workload::WorkloadApplier& applier;
  const traffic::RouterRegistry& routers;
  const analysis::AnalysisRunner& analysis;
  RegistryResolver registries;
  runtime::EventRecorder& events;
  const Clock& clock;
  runtime::Logger& logger;
  telemetry::OperatorMetrics* metrics = nullptr;
  notify::Notifier* notifier = nullptr;  // told of each phase change a pass writes; none = not notified
  // Puts a release first in the work queue; a pass that finds the cache behind its own last write
  // is woken by it once the watch delivers that write. None: the pass is retried after 200 ms.
  std::function<void(const std::string& key)> wakeFirst;
};

// Index name the deployments informer must carry (runtime::labelIndex(api::kReleaseLabel)).
inline constexpr const char* kReleaseIndex = "release";

class ReleaseReconciler final : public runtime::Reconciler {
 public:
  explicit ReleaseReconciler(ReconcilerDeps deps);
  Result<runtime::ReconcileOutcome> reconcile(const std::string& key) override;

 private:
  struct Pass;
  void observe(Pass& pass);
  void observeRoutes(Pass& pass);
  void planWithAnalysis(Pass& pass);
  Status actAndReadBack(Pass& pass);
  Status act(Pass& pass);
  void recordEvent(Pass& pass, const release::RecordEvent& event);
  Status actOne(Pass& pass, const release::Action& action);
  Status actAtOnce(Pass& pass, const std::vector<const release::Action*>& group, const release::Action*& failed);
  workload::Write workloadWrite(Pass& pass, const release::Action& action);
  void reportUnfixableAction(Pass& pass, const release::Action& action, const Error& error);
  void drainRegistry(Pass& pass);
  void recordDecision(Pass& pass);
  Status writeStatus(Pass& pass);
  void clearRequests(Pass& pass);
  void answerApprovals(Pass& pass);
  void report(Pass& pass);
  void announcePhaseChange(Pass& pass);
  // Unique per reconcile pass ("<random per process>-<counter>"): the reconcile_id of its log lines.
  std::string nextReconcileId();
  std::optional<std::string> modelUri(Pass& pass, const std::string& version);

  ReconcilerDeps deps_;
  std::mutex uriMutex_;
  std::map<std::string, std::string> modelUris_;  // "<registry>/<model>/<version>" → source (immutable)
  std::string reconcileIdPrefix_;
  std::atomic<uint64_t> reconciles_{0};
  FirstLookHolds firstLookHolds_;
  CacheBehindWaits cacheBehind_;
};

}  // namespace aviary::controller
