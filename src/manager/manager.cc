#include "aviary/manager/manager.h"

#include <unistd.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "aviary/api/model_release.h"
#include "aviary/api/router_kinds.h"
#include "aviary/controller/approval_intake.h"
#include "aviary/controller/route_index.h"
#include "aviary/dashboard/dashboard.h"
#include "aviary/dashboard/release_feed.h"
#include "aviary/runtime/controller.h"
#include "aviary/runtime/fenced_client.h"
#include "aviary/runtime/informer.h"
#include "aviary/runtime/leader_election.h"
#include "aviary/runtime/work_queue.h"
#include "aviary/server/health_endpoints.h"
#include "aviary/server/http_server.h"
#include "aviary/server/release_api_listener.h"
#include "manager/release_stack.h"

namespace aviary::manager {

namespace {

using runtime::ObjectPtr;
constexpr const char* kReleaseLabel = "aviary.dev/release";

// Unique per replica: the pod (host) name, plus the pid so two processes on one host differ.
std::string replicaIdentity() {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  return std::string(host) + "_" + std::to_string(getpid());
}

// The work-queue key of the release an object belongs to: its own key for a ModelRelease, the
// release it names for a ReleaseApproval, the aviary.dev/release label for owned objects.
using KeyOf = std::function<std::string(const nlohmann::json& object)>;

// A handler that calls onChange with the object of every add, update (the new object) and delete.
runtime::EventHandler onEveryChange(std::function<void(const ObjectPtr&)> onChange) {
  runtime::EventHandler handler;
  handler.onAdd = onChange;
  handler.onUpdate = [onChange](const ObjectPtr&, const ObjectPtr& current) { onChange(current); };
  handler.onDelete = onChange;
  return handler;
}

runtime::EventHandler enqueueReleaseOf(runtime::WorkQueue& queue, KeyOf keyOf) {
  return onEveryChange([&queue, keyOf](const ObjectPtr& object) {
    std::string key = keyOf(*object);
    if (!key.empty()) queue.add(key);
  });
}

// The queue reports its depth to aviary_workqueue_depth on every change.
runtime::WorkQueueOptions queueOptions(telemetry::OperatorMetrics& metrics) {
  runtime::WorkQueueOptions options;
  options.onDepth = [series = metrics.workqueueDepth.withLabels()](size_t depth) {
    series.set(static_cast<double>(depth));
  };
  return options;
}

std::string namespacedKey(const nlohmann::json& object, const std::string& name) {
  if (name.empty()) return "";
  return object.value("/metadata/namespace"_json_pointer, std::string()) + "/" + name;
}

}  // namespace

class Manager::Impl {
 public:
  Impl(ManagerOptions flags, k8s::Client& client, k8s::RestConfig restConfig, runtime::Logger& logger,
           runtime::ShutdownSignals& signals, telemetry::MetricsRegistry& registry,
           telemetry::OperatorMetrics& metrics, EgressPolicy egress)
      : flags_(std::move(flags)), client_(client), restConfig_(std::move(restConfig)), egress_(std::move(egress)), logger_(logger),
        signals_(signals), queue_(clock_, queueOptions(metrics)), registry_(registry), metrics_(metrics) {}

  RunOutcome run() {
    startInformers();
    if (Status served = startHealthServer(); !served) {
      logger_.error("health endpoint not started", {{"addr", flags_.healthAddr}, {"error", served.error().describe()}});
      stopInformers();
      return RunOutcome::StartFailed;
    }
    if (Status served = startReleaseApi(); !served) {
      logger_.error("release API not started", {{"addr", flags_.apiAddr}, {"error", served.error().describe()}});
      stopInformers();
      server_.stop();
      return RunOutcome::StartFailed;
    }
    std::thread election;
    if (flags_.leaderElect) {
      elector_ = std::make_unique<runtime::LeaderElector>(client_, clock_, logger_, electionConfig(), electionCallbacks());
      election = std::thread([this] { elector_->run(); });
    } else {
      startReconciling();
    }
    signals_.wait();
    logger_.info("shutting down", {{"signal", signals_.signalNumber()}});
    stopReconciling();
    if (elector_) {
      elector_->stop();  // after the drain: the Lease is released only once our writes are done
      election.join();
    }
    if (dashboardFeed_) dashboardFeed_->close();  // ends the long polls, whose threads stop() joins
    if (releaseApi_) releaseApi_->stop();
    stopInformers();
    server_.stop();
    logger_.info("stopped", {{"lostLeadership", lostLeadership_.load()}});
    return lostLeadership_ ? RunOutcome::LostLeadership : RunOutcome::Stopped;
  }

 private:
  runtime::Informer& newInformer(const k8s::ResourceType& type, const std::string& selector) {
    runtime::InformerOptions options;
    options.namespace_ = flags_.namespace_;
    options.labelSelector = selector;
    return *informers_.emplace_back(std::make_unique<runtime::Informer>(client_, type, options, logger_));
  }

  // An informer whose events enqueue the release keyOf names.
  runtime::Informer& addInformer(const k8s::ResourceType& type, const std::string& selector, KeyOf keyOf) {
    auto& informer = newInformer(type, selector);
    informer.addHandler(enqueueReleaseOf(queue_, std::move(keyOf)));
    return informer;
  }

  // HTTPRoutes and VirtualServices are cached when the API server serves them (their CRDs are
  // optional), so the routers read them without a request, and a change to a route reconciles the
  // releases that name it (route_index.h): a hand-edited weight is put back at once, not at the end of
  // a pause. A type not served when the operator starts is read from the server.
  void addRouteCaches() {
    for (const api::RouterDescriptor& router : api::routerDescriptors()) {
      const k8s::ResourceType* type = router.routeType;
      if (!type) continue;
      k8s::ListOptions probe;
      probe.limit = 1;
      auto served = client_.list(*type, flags_.namespace_, probe);
      if (!served) {
        logger_.info("route type not cached: read from the API server",
                     {{"kind", type->kind}, {"reason", served.error().describe()}});
        continue;
      }
      runtime::Informer& routes = newInformer(*type, "");
      routes.addHandler(enqueueReleasesRoutingThrough(*type));
      routes_.push_back(&routes);
    }
  }

  runtime::EventHandler enqueueReleasesRoutingThrough(const k8s::ResourceType& type) {
    return onEveryChange([this, &type](const ObjectPtr& route) {
      for (const auto& release : releases_->store().byIndex(controller::kRouteIndex, controller::routeIndexKey(type, *route))) {
        queue_.add(runtime::objectKey(*release));
      }
    });
  }

  void startInformers() {
    releases_ = &addInformer(k8s::resources::kModelReleases, "", [](const nlohmann::json& o) { return runtime::objectKey(o); });
    releases_->addIndex(controller::kRouteIndex, controller::releaseRouteIndex());
    if (flags_.dashboard) {
      dashboardFeed_ = std::make_unique<dashboard::ReleaseFeed>(clock_);
      releases_->addHandler(dashboardFeed_->handler());
    }
    approvals_ = &addInformer(k8s::resources::kReleaseApprovals, "", [](const nlohmann::json& o) {
      return namespacedKey(o, o.value("/spec/release"_json_pointer, std::string()));
    });
    approvals_->addIndex(controller::kReleaseIndex, controller::approvalReleaseIndex());
    auto byLabel = [](const nlohmann::json& o) {
      return namespacedKey(o, o.value(nlohmann::json::json_pointer("/metadata/labels") / kReleaseLabel, std::string()));
    };
    deployments_ = &addInformer(k8s::resources::kDeployments, kReleaseLabel, byLabel);
    services_ = &addInformer(k8s::resources::kServices, kReleaseLabel, byLabel);
    for (auto* informer : {deployments_, services_}) {
      informer->addIndex(controller::kReleaseIndex, runtime::labelIndex(kReleaseLabel));
    }
    addRouteCaches();
    for (auto& informer : informers_) informer->start();
  }

  void stopInformers() {
    for (auto& informer : informers_) informer->stop();
  }

  bool cachesSynced() const {
    for (const auto& informer : informers_) {
      if (!informer->hasSynced()) return false;
    }
    return true;
  }

  Status startHealthServer() {
    server::HealthEndpoints::install(server_, registry_, [this] {
      if (!cachesSynced()) return server::Readiness{false, "caches not synced"};
      return server::Readiness{true, ""};
    });
    return server_.start(flags_.healthAddr);
  }

  // Every replica serves the release API, leader or not: its writes go to the API server, and the
  // leader's reconcile acts on them. Off without --api-addr.
  Status startReleaseApi() {
    if (flags_.apiAddr.empty()) return okStatus();
    std::optional<server::HttpServerTls> tls;
    if (!flags_.apiTlsCert.empty()) tls = server::HttpServerTls{flags_.apiTlsCert, flags_.apiTlsKey};
    // The dashboard's long polls each hold a thread while they wait (dashboard.h).
    releaseApi_ = std::make_unique<server::ReleaseApiListener>(client_, restConfig_, logger_, flags_.namespace_, tls,
                                                               flags_.dashboard ? 16 : 4);
    if (flags_.dashboard) startDashboard();
    Status started = releaseApi_->start(flags_.apiAddr);
    if (started) {
      logger_.info("release API listening", {{"addr", flags_.apiAddr}, {"port", releaseApi_->port()}, {"tls", tls.has_value()},
                                             {"dashboard", flags_.dashboard}});
    }
    return started;
  }

  // The dashboard on the release API's listener: the same TokenReview and SubjectAccessReview path,
  // reading the releases informer's cache through dashboardFeed_.
  void startDashboard() {
    dashboardTokens_ = approval::makeKubeTokenReviewer(client_);
    dashboardAccess_ = approval::makeKubeAccessReviewer(client_);
    dashboard_ = std::make_unique<dashboard::Dashboard>(*dashboardTokens_, *dashboardAccess_, *dashboardFeed_, clock_, logger_);
    dashboard_->install(releaseApi_->server());
  }

  // Waits for the caches (so the first reconciles see every object), then starts the workers.
  // Runs on the main thread, or on the elector's once it leads.
  void startReconciling() {
    while (!signals_.requested()) {
      bool synced = true;
      for (auto& informer : informers_) synced = informer->waitForSync(std::chrono::milliseconds(200)) && synced;
      if (synced) break;
    }
    std::lock_guard lock(controllerMutex_);
    if (signals_.requested() || controller_) return;
    logger_.info("caches synced, starting workers", {{"workers", flags_.workers}});
    stack_ = std::make_unique<ReleaseStack>(writer(), ReleaseInformers{*releases_, *approvals_, *deployments_, *services_, routes_},
                                            clock_, logger_, metrics_, registry_, notifierOptions(),
                                            analysis::ProviderOptions{flags_.commandGates, &egress_},
                                            flags_.measurementWorkers,
                                            ReleaseWakers{[this](const std::string& key) { queue_.addFirst(key); },
                                                          [this](const std::string& key) { queue_.add(key); }});
    controller_ = std::make_unique<runtime::Controller>(queue_, stack_->reconciler(), logger_,
                                                         runtime::ControllerOptions{"modelrelease", flags_.workers, flags_.wokenWorkers});
    controller_->start();
  }

  // The client the reconcile writes through: with leader election, fenced by the Lease (I5 in
  // docs/guarantees.md), so a replica resumed after a pause past its lease writes nothing.
  k8s::Client& writer() {
    if (!flags_.leaderElect) return client_;
    if (!fenced_) {
      fenced_ = std::make_unique<runtime::FencedClient>(
          client_, [this] { return elector_ && elector_->holdsLease(); },
          "this replica's Lease was not renewed within --renew-deadline: it may no longer lead");
    }
    return *fenced_;
  }

  void stopReconciling() {
    std::lock_guard lock(controllerMutex_);
    if (controller_) {
      controller_->shutDown();
    } else {
      queue_.shutDown();
    }
  }

  // --notify-url: one webhook told of every release's phase changes, besides each release's own.
  notify::WebhookNotifierOptions notifierOptions() const {
    notify::WebhookNotifierOptions options;
    options.egress = &egress_;
    if (!flags_.notifyUrl.empty()) {
      options.operatorWide.push_back(api::NotificationSpec{"operator", flags_.notifyFormat, flags_.notifyUrl, std::nullopt});
    }
    return options;
  }

  runtime::LeaderElectionConfig electionConfig() const {
    runtime::LeaderElectionConfig config;
    config.namespace_ = flags_.leaderElectionNamespace;
    config.name = flags_.leaderElectionId;
    config.identity = replicaIdentity();
    config.leaseDuration = flags_.leaseDuration;
    config.renewDeadline = flags_.renewDeadline;
    config.retryPeriod = flags_.retryPeriod;
    return config;
  }

  runtime::LeaderCallbacks electionCallbacks() {
    runtime::LeaderCallbacks callbacks;
    callbacks.onStartedLeading = [this] { startReconciling(); };
    callbacks.onStoppedLeading = [this] {
      if (signals_.requested()) return;  // our own shutdown released it
      logger_.error("leadership lost, exiting");
      lostLeadership_ = true;
      signals_.requestShutdown();
    };
    return callbacks;
  }

  ManagerOptions flags_;
  k8s::Client& client_;
  k8s::RestConfig restConfig_;  // the operator's, for the release API's calls as each caller
  EgressPolicy egress_;         // for every URL a spec chose (gates, notifications)
  runtime::Logger& logger_;
  runtime::ShutdownSignals& signals_;
  SystemClock clock_;
  runtime::WorkQueue queue_;
  telemetry::MetricsRegistry& registry_;
  telemetry::OperatorMetrics& metrics_;
  server::HttpServer server_;
  // Declared before the listener and the informers, which refer to them, so they go after those.
  std::unique_ptr<dashboard::ReleaseFeed> dashboardFeed_;
  approval::TokenReviewerPtr dashboardTokens_;
  approval::AccessReviewerPtr dashboardAccess_;
  std::unique_ptr<dashboard::Dashboard> dashboard_;
  std::unique_ptr<server::ReleaseApiListener> releaseApi_;
  std::vector<std::unique_ptr<runtime::Informer>> informers_;
  runtime::Informer* releases_ = nullptr;
  runtime::Informer* approvals_ = nullptr;
  runtime::Informer* deployments_ = nullptr;
  runtime::Informer* services_ = nullptr;
  std::vector<runtime::Informer*> routes_;  // the route types the API server serves
  std::mutex controllerMutex_;
  std::unique_ptr<ReleaseStack> stack_;
  std::unique_ptr<runtime::Controller> controller_;
  std::unique_ptr<runtime::LeaderElector> elector_;
  std::unique_ptr<runtime::FencedClient> fenced_;
  std::atomic<bool> lostLeadership_{false};
};

Manager::Manager(ManagerOptions options, k8s::Client& client, k8s::RestConfig restConfig, runtime::Logger& logger,
                 runtime::ShutdownSignals& signals, telemetry::MetricsRegistry& registry,
                 telemetry::OperatorMetrics& metrics, EgressPolicy egress)
    : impl_(std::make_unique<Impl>(std::move(options), client, std::move(restConfig), logger, signals, registry, metrics,
                                   std::move(egress))) {}

Manager::~Manager() = default;

RunOutcome Manager::run() { return impl_->run(); }

}  // namespace aviary::manager
