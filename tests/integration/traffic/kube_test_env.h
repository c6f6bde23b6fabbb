#pragma once
// A fresh namespace with a real ModelRelease in it on the kube-apiserver of hack/cluster.sh, for the
// router and applier integration tests. Skips the test when KUBECONFIG is unset. The owner must exist:
// the running garbage collector deletes objects whose owner reference points at nothing.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "aviary/api/model_release.h"
#include "aviary/k8s/client.h"

namespace aviary::testing {

// Passes every call to the real client, counting the writes that reach the server, and runs a hook
// before the next update: a concurrent writer.
class CountingClient final : public k8s::Client {
 public:
  using Json = k8s::Json;

  explicit CountingClient(k8s::Client& real) : real_(real) {}
  std::function<void()> beforeNextUpdate;
  int writes = 0;

  Result<Json> get(const k8s::ResourceType& t, const std::string& ns, const std::string& n) override {
    return real_.get(t, ns, n);
  }
  Result<k8s::ObjectList> list(const k8s::ResourceType& t, const std::string& ns, const k8s::ListOptions& o) override {
    return real_.list(t, ns, o);
  }
  Result<Json> create(const k8s::ResourceType& t, const std::string& ns, const Json& o) override {
    ++writes;
    return real_.create(t, ns, o);
  }
  Result<Json> update(const k8s::ResourceType& t, const std::string& ns, const Json& o) override {
    if (beforeNextUpdate) std::exchange(beforeNextUpdate, nullptr)();
    ++writes;
    return real_.update(t, ns, o);
  }
  Result<Json> patch(const k8s::ResourceType& t, const std::string& ns, const std::string& n, k8s::PatchType p,
                     const Json& body, const std::string& sub) override {
    ++writes;
    return real_.patch(t, ns, n, p, body, sub);
  }
  Result<Json> updateStatus(const k8s::ResourceType& t, const std::string& ns, const Json& o) override {
    return real_.updateStatus(t, ns, o);
  }
  Status remove(const k8s::ResourceType& t, const std::string& ns, const std::string& n,
                const k8s::DeleteOptions& o) override {
    ++writes;
    return real_.remove(t, ns, n, o);
  }
  Status watch(const k8s::ResourceType& t, const std::string& ns, const k8s::WatchOptions& o,
               const std::function<void(const k8s::WatchEvent&)>& f, const std::atomic<bool>& stop) override {
    return real_.watch(t, ns, o, f, stop);
  }
  Result<Json> review(const k8s::ResourceType& t, const Json& r) override { return real_.review(t, r); }

 private:
  k8s::Client& real_;
};

class KubeTestEnv : public ::testing::Test {
 protected:
  using Json = nlohmann::json;

  void SetUp() override {
    if (!std::getenv("KUBECONFIG")) GTEST_SKIP() << "KUBECONFIG unset: eval \"$(hack/cluster.sh env)\" first";
    auto client = k8s::makeClient({});
    ASSERT_TRUE(client) << client.error().describe();
    client_ = std::move(*client);
    ns_ = "traffic-it-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 1000000000);
    auto created = client_->create(k8s::resources::kNamespaces, "", {{"metadata", {{"name", ns_}}}});
    ASSERT_TRUE(created) << created.error().describe();

    release_.metadata.name = "fraud-scorer";
    release_.metadata.namespace_ = ns_;
    release_.spec.model = {"fraud-scorer", "7"};
    release_.spec.replicas = 2;
    release_.spec.service.port = 8080;
    release_.spec.template_ = Json::parse(R"({"metadata": {"labels": {"team": "risk"}},
        "spec": {"containers": [{"name": "server", "image": "scorer:1.4", "ports": [{"containerPort": 8080}]}]}})");
    release_.spec.strategy.canary = api::CanaryStrategy{};
    auto owner = client_->create(k8s::resources::kModelReleases, ns_, Json::parse(R"({
        "apiVersion": "aviary.dev/v1alpha1", "kind": "ModelRelease", "metadata": {"name": "fraud-scorer"},
        "spec": {"model": {"name": "fraud-scorer", "version": "7"},
                 "template": {"spec": {"containers": [{"name": "server", "image": "scorer:1.4"}]}},
                 "strategy": {"canary": {"steps": [{"setWeight": 10}]}}}})"));
    ASSERT_TRUE(owner) << owner.error().describe();
    release_.metadata.uid = (*owner)["metadata"]["uid"];
    counting_ = std::make_unique<CountingClient>(*client_);
  }

  void TearDown() override {
    if (client_) (void)client_->remove(k8s::resources::kNamespaces, "", ns_);
  }

  Json create(const k8s::ResourceType& type, const Json& object) {
    auto created = client_->create(type, ns_, object);
    EXPECT_TRUE(created) << created.error().describe();
    return created ? *created : Json();
  }

  Json read(const k8s::ResourceType& type, const std::string& name) {
    auto live = client_->get(type, ns_, name);
    EXPECT_TRUE(live) << live.error().describe();
    return live ? *live : Json();
  }

  k8s::ClientPtr client_;
  std::unique_ptr<CountingClient> counting_;  // what the code under test gets
  std::string ns_;
  api::ModelRelease release_;
};

}  // namespace aviary::testing
