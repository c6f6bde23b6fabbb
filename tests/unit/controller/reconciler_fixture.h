#pragma once
// A ReleaseReconciler over in-memory parts, to run reconcile() pass by pass: the FakeKubeClient plays
// the API server, informers over it are refreshed by sync() (no threads), the router is a MockRouter
// that remembers the split it was given (a release without trafficRouting gets the real replica-ratio
// router), the workload applier a MockWorkloadApplier that delegates to
// the real applier (writing into the fake server) unless a test says otherwise, the metric provider
// (Prometheus) and the model registry (when the release names one) are mocks too.
// "kubelet()" makes every Deployment's pods available.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "aviary/analysis/analysis_runner.h"
#include "aviary/analysis/measurement_pool.h"
#include "aviary/api/model_release.h"
#include "aviary/controller/approval_intake.h"
#include "aviary/controller/cache_reading_client.h"
#include "aviary/controller/release_reconciler.h"
#include "aviary/runtime/informer.h"
#include "aviary/runtime/log.h"
#include "aviary/telemetry/operator_metrics.h"
#include "aviary/workload/applier.h"
#include "mocks/analysis/mock_metric_provider.h"
#include "mocks/k8s/fake_kube_client.h"
#include "mocks/registry/fake_run_tracker.h"
#include "mocks/registry/mock_model_registry.h"
#include "mocks/notify/mock_notifier.h"
#include "mocks/runtime/mock_event_recorder.h"
#include "mocks/traffic/mock_router.h"
#include "mocks/workload/mock_workload_applier.h"

namespace aviary::controller::testing {

using aviary::testing::FakeKubeClient;
using aviary::testing::MockEventRecorder;
using aviary::testing::MockMetricProvider;
using aviary::testing::MockModelRegistry;
using aviary::testing::MockNotifier;
using aviary::testing::MockRouter;
using aviary::testing::MockWorkloadApplier;
using ::testing::NiceMock;
using Json = nlohmann::json;
namespace resources = k8s::resources;

inline constexpr const char* kNs = "ml";
inline constexpr const char* kName = "fraud";

// A canary through the HTTPRoute "fraud": 30% → indefinite pause → 100%.
inline Json releaseObject(const std::string& version) {
  Json release = Json::parse(R"({
    "apiVersion": "aviary.dev/v1alpha1", "kind": "ModelRelease",
    "metadata": {"name": "fraud", "namespace": "ml", "uid": "uid-fraud", "generation": 1},
    "spec": {
      "model": {"name": "fraud", "version": "1"}, "replicas": 2, "service": {"port": 8080},
      "template": {"spec": {"containers": [{"name": "server", "image": "scorer:1", "ports": [{"containerPort": 8080}],
                                            "resources": {"limits": {"cpu": "0.5"}}}]}},
      "strategy": {"canary": {"scaleDownDelay": "0s",
                              "steps": [{"setWeight": 30}, {"pause": {}}, {"setWeight": 100}],
                              "trafficRouting": {"gatewayAPI": {"httpRoute": "fraud"}}}}
    }
  })");
  release["spec"]["model"]["version"] = version;
  return release;
}

class ReconcilerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    deployments_.addIndex(kReleaseIndex, runtime::labelIndex(api::kReleaseLabel));
    services_.addIndex(kReleaseIndex, runtime::labelIndex(api::kReleaseLabel));
    approvals_.addIndex(kReleaseIndex, approvalReleaseIndex());
    cached_.addCache(releases_);
    cached_.addCache(deployments_);
    cached_.addCache(services_);
    routers_.add(api::RouterKind::GatewayApi, aviary::testing::forwardingTo(router));
    routers_.add(api::RouterKind::ReplicaRatio, [](k8s::Client& client) {
      return traffic::makeRouter(api::RouterKind::ReplicaRatio, client).value();
    });
    ON_CALL(router, getRoutes).WillByDefault([this](const traffic::RouteTarget&) -> Result<traffic::RouteState> {
      return traffic::RouteState{100 - routeWeight, routeWeight};
    });
    ON_CALL(router, setRoutes)
        .WillByDefault([this](const traffic::RouteTarget&, const traffic::TrafficSplit& split) -> Result<workload::WriteOutcome> {
          workload::WriteOutcome outcome;
          if (split.canaryWeight != routeWeight) outcome.add({"HTTPRoute", kNs, kName, "patch", ""});
          routeWeight = split.canaryWeight;
          return outcome;
        });
    ON_CALL(mockApplier, ensureDeployment).WillByDefault([this](auto&&... a) { return realApplier_->ensureDeployment(a...); });
    ON_CALL(mockApplier, scaleDeployment).WillByDefault([this](auto&&... a) { return realApplier_->scaleDeployment(a...); });
    ON_CALL(mockApplier, deleteDeployment).WillByDefault([this](auto&&... a) { return realApplier_->deleteDeployment(a...); });
    ON_CALL(mockApplier, ensureServices).WillByDefault([this](auto&&... a) { return realApplier_->ensureServices(a...); });
    auto provider = std::make_unique<NiceMock<MockMetricProvider>>();
    metrics = provider.get();
    providers_.add(api::ProviderKind::Prometheus, std::move(provider));
    ON_CALL(modelRegistry, getModelVersion).WillByDefault([](const std::string& model, const std::string& version) {
      return Result<registry::ModelVersionInfo>(registry::ModelVersionInfo{model, version});
    });
    ON_CALL(modelRegistry, setVersionTags).WillByDefault([](auto&&...) { return okStatus(); });
    ON_CALL(modelRegistry, setAlias).WillByDefault([](auto&&...) { return okStatus(); });
    ON_CALL(modelRegistry, deleteAlias).WillByDefault([](auto&&...) { return okStatus(); });
    restart();
  }

  // The release's spec.registry: a forwarder to modelRegistry per pass, as the operator makes one.
  RegistryResolver registries() {
    return [this](const api::ModelRelease& release) -> registry::ModelRegistryPtr {
      if (!release.spec.registry.mlflow) return nullptr;
      class Forwarder final : public registry::ModelRegistry {
       public:
        Forwarder(registry::ModelRegistry& to, registry::RunTracker& runs) : to_(to), runs_(runs) {}
        Result<registry::ModelVersionInfo> getModelVersion(const std::string& m, const std::string& v) override {
          return to_.getModelVersion(m, v);
        }
        Status setVersionTags(const std::string& m, const std::string& v, const std::map<std::string, std::string>& t) override {
          return to_.setVersionTags(m, v, t);
        }
        Status setAlias(const std::string& m, const std::string& a, const std::string& v) override { return to_.setAlias(m, a, v); }
        Status deleteAlias(const std::string& m, const std::string& a) override { return to_.deleteAlias(m, a); }
        registry::RunTracker* runTracker() override { return &runs_; }

       private:
        registry::ModelRegistry& to_;
        registry::RunTracker& runs_;
      };
      return std::make_unique<Forwarder>(modelRegistry, mlflowRuns);
    };
  }

  // A new reconciler over the same server and caches: what a restarted operator starts from.
  void restart() {
    reconciler_ = std::make_unique<ReleaseReconciler>(ReconcilerDeps{
        cached_, releases_, approvals_, deployments_, services_, mockApplier, routers_, *analysis_, registries(),
        events, clock, logger_, operatorMetrics_, &notifier, [this](const std::string& key) { woken.push_back(key); }});
  }

  // The reconciler reports to `metrics` from now on.
  void useMetrics(telemetry::OperatorMetrics* metrics) {
    operatorMetrics_ = metrics;
    restart();
  }

  // Gate looks go to `measurements` (fetched when the test calls measurements.runQueued()), as in the
  // operator, instead of being fetched inside the pass.
  void measureInBackground() {
    analysis_ = std::make_unique<analysis::AnalysisRunner>(providers_, clock, analysis::SecretResolver{}, &measurements);
    restart();
  }

  // Every informer lists the fake server again (what their watches would have delivered).
  void sync() {
    for (auto* informer : {&releases_, &approvals_, &deployments_, &services_}) ASSERT_TRUE(informer->listOnce().ok());
  }

  // The pods of every Deployment are available (what the Deployment controller and kubelets do).
  void kubelet() {
    for (const Json& d : server.objects(resources::kDeployments)) {
      const int replicas = d["spec"].value("replicas", 1);
      server.mutate(resources::kDeployments, kNs, d["metadata"]["name"], [replicas](Json& o) {
        o["status"] = {{"replicas", replicas}, {"updatedReplicas", replicas}, {"availableReplicas", replicas}};
      });
    }
  }

  Result<runtime::ReconcileOutcome> reconcile() {
    sync();
    return reconcileWithoutSync();
  }

  // A pass on whatever the informers hold: behind the last pass's writes until sync().
  Result<runtime::ReconcileOutcome> reconcileWithoutSync() { return reconciler_->reconcile(std::string(kNs) + "/" + kName); }

  // Reconciles (with the pods coming up) until a pass writes nothing; returns the passes it took.
  int settle(int limit = 10) {
    for (int pass = 1; pass <= limit; ++pass) {
      kubelet();
      const int before = server.writes;
      EXPECT_TRUE(reconcile().ok());
      if (server.writes == before) return pass;
    }
    ADD_FAILURE() << "still writing after " << limit << " passes";
    return limit;
  }

  Json release() { return server.stored(resources::kModelReleases, kNs, kName); }
  Json status() { return release().value("status", Json::object()); }
  // `aviary promote|abort|…`: the request annotations on the release.
  void annotate(const std::string& request, const std::string& id) {
    server.mutate(resources::kModelReleases, kNs, kName, [&](Json& o) {
      o["metadata"]["annotations"][api::kRequestAnnotation] = request;
      o["metadata"]["annotations"][api::kRequestIdAnnotation] = id;
    });
  }
  Json annotations() { return release()["metadata"].value("annotations", Json::object()); }

  // A write of the operator's own to the release that the watch has not delivered yet.
  void ownWriteTheWatchHasNotDelivered() {
    server.mutate(resources::kModelReleases, kNs, kName, [](Json& o) { o["metadata"]["labels"]["written"] = "last"; });
    releases_.recordWrite(std::string(kNs) + "/" + kName, release()["metadata"]["resourceVersion"]);
  }

  void setVersion(const std::string& version) {
    server.mutate(resources::kModelReleases, kNs, kName, [&](Json& o) {
      o["spec"]["model"]["version"] = version;
      o["metadata"]["generation"] = o["metadata"].value("generation", 1) + 1;
    });
  }

  ManualClock clock;
  std::vector<std::string> woken;  // release keys woken: by the measurement pool, or when the cache caught up
  analysis::MeasurementPool measurements{clock, {0, 100, [this](const std::string& key, bool) { woken.push_back(key); }, {}}};
  FakeKubeClient server;
  NiceMock<MockRouter> router;
  int routeWeight = 0;
  NiceMock<MockWorkloadApplier> mockApplier;
  NiceMock<MockEventRecorder> events;
  NiceMock<MockNotifier> notifier;
  NiceMock<MockModelRegistry> modelRegistry;
  aviary::testing::FakeRunTracker mlflowRuns;  // the tracking side of the same MLflow (decision records)
  MockMetricProvider* metrics = nullptr;  // owned by the provider registry
  workload::WorkloadApplier* realApplier() { return realApplier_.get(); }

  // The operator's log lines (every level) whose msg is msg, in order.
  std::vector<Json> logged(const std::string& msg) const {
    std::vector<Json> lines;
    std::istringstream in(logs_.str());
    for (std::string line; std::getline(in, line);) {
      Json parsed = Json::parse(line);
      if (parsed.value("msg", "") == msg) lines.push_back(std::move(parsed));
    }
    return lines;
  }

 private:
  std::ostringstream logs_;
  runtime::Logger logger_{logs_, clock, runtime::LogLevel::Debug};
  runtime::Informer releases_{server, resources::kModelReleases, {}, logger_};
  runtime::Informer approvals_{server, resources::kReleaseApprovals, {}, logger_};
  runtime::Informer deployments_{server, resources::kDeployments, {}, logger_};
  runtime::Informer services_{server, resources::kServices, {}, logger_};
  CacheReadingClient cached_{server};
  workload::WorkloadApplierPtr realApplier_ = workload::makeKubeWorkloadApplier(cached_);
  traffic::RouterRegistry routers_;
  analysis::ProviderRegistry providers_;
  std::unique_ptr<analysis::AnalysisRunner> analysis_ = std::make_unique<analysis::AnalysisRunner>(providers_, clock);
  std::unique_ptr<ReleaseReconciler> reconciler_;
  telemetry::OperatorMetrics* operatorMetrics_ = nullptr;
};

}  // namespace aviary::controller::testing
