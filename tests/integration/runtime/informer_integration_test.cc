// The informer against the real kube-apiserver of hack/cluster.sh: events, a server restart, 410.
#include <cstdlib>
#include <mutex>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "aviary/runtime/informer.h"
#include "integration/etcd_compaction.h"
#include "integration/runtime/cluster_fixture.h"

namespace aviary::runtime {
namespace {

using namespace std::chrono_literals;
using testing::ClusterTest;
using testing::eventually;
const k8s::ResourceType& kConfigMaps = k8s::resources::kConfigMaps;

// What the handlers heard, as "add a", "update a", "delete a" (names only).
class Heard {
 public:
  EventHandler handler() {
    EventHandler h;
    h.onAdd = [this](const ObjectPtr& o) { note("add", *o); };
    h.onUpdate = [this](const ObjectPtr&, const ObjectPtr& o) { note("update", *o); };
    h.onDelete = [this](const ObjectPtr& o) { note("delete", *o); };
    return h;
  }
  bool has(const std::string& event) {
    std::lock_guard lock(mutex_);
    return events_.count(event) > 0;
  }
  bool waitFor(const std::string& event, std::chrono::milliseconds timeout = 20s) {
    return eventually([&] { return has(event); }, timeout);
  }

 private:
  void note(const std::string& what, const Json& o) {
    std::lock_guard lock(mutex_);
    events_.insert(what + " " + o["metadata"].value("name", ""));
  }
  std::mutex mutex_;
  std::multiset<std::string> events_;
};

class InformerIntegrationTest : public ClusterTest {
 protected:
  InformerIntegrationTest() : logger_(logs_, clock_, LogLevel::Debug) {}
  std::unique_ptr<Informer> startInformer(k8s::Client& client, const k8s::ResourceType& type = kConfigMaps) {
    InformerOptions options;
    options.namespace_ = namespace_;
    options.reconnectBackoff = {200ms, 2s, 0};
    auto informer = std::make_unique<Informer>(client, type, options, logger_);
    informer->addHandler(heard_.handler());
    informer->start();
    EXPECT_TRUE(informer->waitForSync(30s));
    return informer;
  }
  // Read only once the informer has stopped (the logger writes from its thread).
  std::string logs() const { return logs_.str(); }

  SystemClock clock_;
  std::ostringstream logs_;
  Logger logger_;
  Heard heard_;
};

TEST_F(InformerIntegrationTest, SeesCreateUpdateAndDeleteOfConfigMaps) {
  auto informer = startInformer(*client_);
  ASSERT_TRUE(client_->create(kConfigMaps, namespace_, configMap("a")).ok());
  ASSERT_TRUE(heard_.waitFor("add a"));
  auto patched = client_->patch(kConfigMaps, namespace_, "a", k8s::PatchType::Merge, {{"data", {{"k", "v"}}}});
  ASSERT_TRUE(patched.ok());
  informer->recordWrite(namespace_ + "/a", (*patched)["metadata"]["resourceVersion"]);
  ASSERT_TRUE(heard_.waitFor("update a"));
  EXPECT_TRUE(eventually([&] { return informer->get(namespace_ + "/a").upToDate; }, 10s));
  EXPECT_EQ((*informer->get(namespace_ + "/a").object)["data"]["k"], "v");
  EXPECT_FALSE((*informer->get(namespace_ + "/a").object)["metadata"].contains("managedFields"));
  ASSERT_TRUE(client_->remove(kConfigMaps, namespace_, "a").ok());
  ASSERT_TRUE(heard_.waitFor("delete a"));
  EXPECT_EQ(informer->get(namespace_ + "/a").object, nullptr);
  informer->stop();
}

TEST_F(InformerIntegrationTest, WatchSurvivesAnApiserverRestartWithoutLosingEvents) {
  const char* source = std::getenv("AVIARY_SOURCE_DIR");
  ASSERT_NE(source, nullptr);
  ASSERT_TRUE(client_->create(kConfigMaps, namespace_, configMap("before")).ok());
  ASSERT_TRUE(client_->create(kConfigMaps, namespace_, configMap("doomed")).ok());
  auto informer = startInformer(*client_);
  ASSERT_TRUE(heard_.waitFor("add doomed"));

  std::string restart = std::string(source) + "/tests/integration/runtime/restart_apiserver.sh >&2";
  ASSERT_EQ(std::system(restart.c_str()), 0) << "restarting the apiserver failed";
  // Changes made as soon as the server is back, while the informer may still be backing off.
  ASSERT_TRUE(client_->create(kConfigMaps, namespace_, configMap("after")).ok());
  ASSERT_TRUE(client_->patch(kConfigMaps, namespace_, "before", k8s::PatchType::Merge, {{"data", {{"k", "v"}}}}).ok());
  ASSERT_TRUE(client_->remove(kConfigMaps, namespace_, "doomed").ok());

  EXPECT_TRUE(heard_.waitFor("add after", 60s));
  EXPECT_TRUE(heard_.waitFor("update before", 60s));
  EXPECT_TRUE(heard_.waitFor("delete doomed", 60s));
  informer->stop();
  EXPECT_NE(logs().find("\"msg\":\"watch"), std::string::npos) << "the stream did break: " << logs();
}

// Forwards to the real client but opens the first watch at resourceVersion 1, compacted by the test,
// so the real server answers 410 Gone and the informer must relist.
class FirstWatchTooOld final : public k8s::Client {
 public:
  explicit FirstWatchTooOld(k8s::Client& real) : real_(real) {}
  std::atomic<int> lists{0};
  Result<k8s::Json> get(const k8s::ResourceType& t, const std::string& ns, const std::string& n) override {
    return real_.get(t, ns, n);
  }
  Result<k8s::ObjectList> list(const k8s::ResourceType& t, const std::string& ns, const k8s::ListOptions& o) override {
    ++lists;
    return real_.list(t, ns, o);
  }
  Result<k8s::Json> create(const k8s::ResourceType& t, const std::string& ns, const k8s::Json& o) override {
    return real_.create(t, ns, o);
  }
  Result<k8s::Json> update(const k8s::ResourceType& t, const std::string& ns, const k8s::Json& o) override {
    return real_.update(t, ns, o);
  }
  Result<k8s::Json> patch(const k8s::ResourceType& t, const std::string& ns, const std::string& n, k8s::PatchType p,
                          const k8s::Json& body, const std::string& sub) override {
    return real_.patch(t, ns, n, p, body, sub);
  }
  Result<k8s::Json> updateStatus(const k8s::ResourceType& t, const std::string& ns, const k8s::Json& o) override {
    return real_.updateStatus(t, ns, o);
  }
  Status remove(const k8s::ResourceType& t, const std::string& ns, const std::string& n,
                const k8s::DeleteOptions& o) override {
    return real_.remove(t, ns, n, o);
  }
  Status watch(const k8s::ResourceType& t, const std::string& ns, const k8s::WatchOptions& o,
               const std::function<void(const k8s::WatchEvent&)>& onEvent, const std::atomic<bool>& stop) override {
    k8s::WatchOptions options = o;
    if (!tampered_.exchange(true)) options.resourceVersion = "1";
    return real_.watch(t, ns, options, onEvent, stop);
  }
  Result<k8s::Json> review(const k8s::ResourceType& t, const k8s::Json& r) override { return real_.review(t, r); }

 private:
  k8s::Client& real_;
  std::atomic<bool> tampered_{false};
};

// Events: the API server keeps no watch cache for them, so an old version is looked up in etcd
// (etcd_compaction.h).
const k8s::ResourceType kCoreEvents{"", "v1", "events", "Event", true};

TEST_F(InformerIntegrationTest, GoneFromTheRealServerMakesItRelistAndCarryOn) {
  Status compacted = aviary::testing::compactEtcd();
  ASSERT_TRUE(compacted.ok()) << compacted.error().describe();
  FirstWatchTooOld client(*client_);
  auto informer = startInformer(client, kCoreEvents);
  EXPECT_TRUE(eventually([&] { return client.lists >= 2; }, 30s));
  k8s::Json event = {{"metadata", {{"name", "later"}}},
                     {"involvedObject", {{"kind", "ConfigMap"}, {"name", "x"}, {"namespace", namespace_}}},
                     {"reason", "Test"}, {"message", "written after the relist"}, {"type", "Normal"}};
  ASSERT_TRUE(client_->create(kCoreEvents, namespace_, event).ok());
  EXPECT_TRUE(heard_.waitFor("add later"));
  informer->stop();
  EXPECT_NE(logs().find("watch expired, relisting"), std::string::npos) << logs();
}

}  // namespace
}  // namespace aviary::runtime
