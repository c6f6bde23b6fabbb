#pragma once
// Shared by the runtime integration tests: the client for the hack/cluster.sh cluster (the tests
// skip when KUBECONFIG is unset), a namespace of their own deleted afterwards, and waiting for a
// condition with a deadline.

#include <chrono>
#include <cstdlib>
#include <functional>
#include <string>
#include <thread>

#include <unistd.h>

#include <gtest/gtest.h>

#include "aviary/k8s/client.h"

namespace aviary::runtime::testing {

// Polls cond every 50 ms until it holds or timeout passes.
inline bool eventually(const std::function<bool()>& cond, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!cond()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

class ClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::getenv("KUBECONFIG")) GTEST_SKIP() << "KUBECONFIG unset: run eval \"$(hack/cluster.sh env)\"";
    auto client = k8s::makeClient({});
    ASSERT_TRUE(client.ok()) << client.error().describe();
    client_ = std::move(*client);
    namespace_ = "aviary-rt-" + std::to_string(::getpid()) + "-" +
                 std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 100000);
    auto created = client_->create(k8s::resources::kNamespaces, "",
                                   {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", namespace_}}}});
    ASSERT_TRUE(created.ok()) << created.error().describe();
  }
  void TearDown() override {
    if (client_) (void)client_->remove(k8s::resources::kNamespaces, "", namespace_);
  }

  k8s::Json configMap(const std::string& name, k8s::Json data = k8s::Json::object()) const {
    return {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}, {"namespace", namespace_}}},
            {"data", data}};
  }

  k8s::ClientPtr client_;
  std::string namespace_;
};

}  // namespace aviary::runtime::testing
