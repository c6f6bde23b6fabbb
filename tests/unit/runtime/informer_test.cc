// Informer logic against FakeKubeClient (a double, not the API server); the real list/watch,
// restart and 410 behaviour is covered by tests/integration/runtime.
#include "aviary/runtime/informer.h"

#include <condition_variable>
#include <sstream>

#include <gtest/gtest.h>

#include "mocks/k8s/fake_kube_client.h"

namespace aviary::runtime {
namespace {

using k8s::WatchEvent;
using aviary::testing::FakeKubeClient;
const k8s::ResourceType& kConfigMaps = k8s::resources::kConfigMaps;

Json configMap(const std::string& name, const std::string& rv, Json data = Json::object()) {
  return {{"metadata", {{"namespace", "ml"}, {"name", name}, {"resourceVersion", rv}}}, {"data", data}};
}

// Records what the handlers were told, as "add ml/a", "update ml/a", "delete ml/a".
struct Recorder {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::string> events;

  EventHandler handler() {
    EventHandler h;
    h.onAdd = [this](const ObjectPtr& o) { note("add " + objectKey(*o)); };
    h.onUpdate = [this](const ObjectPtr&, const ObjectPtr& o) { note("update " + objectKey(*o)); };
    h.onDelete = [this](const ObjectPtr& o) { note("delete " + objectKey(*o)); };
    return h;
  }
  void note(const std::string& event) {
    std::lock_guard lock(mutex);
    events.push_back(event);
    changed.notify_all();
  }
  std::vector<std::string> take() {
    std::lock_guard lock(mutex);
    return std::exchange(events, {});
  }
  bool waitFor(const std::string& event) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, std::chrono::seconds(10), [&] {
      return std::find(events.begin(), events.end(), event) != events.end();
    });
  }
};

class InformerTest : public ::testing::Test {
 protected:
  InformerTest() : logger_(logs_, clock_, LogLevel::Debug) {}

  std::unique_ptr<Informer> makeInformer(InformerOptions options = {}) {
    auto informer = std::make_unique<Informer>(client_, kConfigMaps, options, logger_);
    informer->addHandler(recorder_.handler());
    return informer;
  }

  FakeKubeClient client_;
  ManualClock clock_;
  std::ostringstream logs_;
  Logger logger_;
  Recorder recorder_;
};

TEST_F(InformerTest, ListFillsTheStoreWithTrimmedSnapshotsAndSyncs) {
  Json noisy = configMap("a", "");
  noisy["metadata"]["managedFields"] = Json::array({{{"manager", "kubectl"}}});
  noisy["metadata"]["annotations"] = {{"kubectl.kubernetes.io/last-applied-configuration", "{}"}};
  client_.put(kConfigMaps, noisy);
  client_.put(kConfigMaps, configMap("b", ""));
  auto informer = makeInformer();
  EXPECT_FALSE(informer->hasSynced());

  ASSERT_TRUE(informer->listOnce().ok());
  EXPECT_TRUE(informer->hasSynced());
  EXPECT_EQ(recorder_.take(), (std::vector<std::string>{"add ml/a", "add ml/b"}));
  auto a = informer->get("ml/a").object;
  ASSERT_NE(a, nullptr);
  EXPECT_FALSE((*a)["metadata"].contains("managedFields"));
  EXPECT_FALSE((*a)["metadata"].contains("annotations"));
  EXPECT_EQ((*a)["kind"], "ConfigMap") << "list items get their kind back";
  EXPECT_EQ((*a)["apiVersion"], "v1");
  EXPECT_EQ(informer->resourceVersion(), client_.currentResourceVersion());
}

TEST_F(InformerTest, WatchResumesFromTheListVersionAndAppliesEventsAndBookmarks) {
  client_.put(kConfigMaps, configMap("a", ""));
  client_.put(kConfigMaps, configMap("b", ""));
  auto informer = makeInformer();
  ASSERT_TRUE(informer->listOnce().ok());
  recorder_.take();
  std::string listVersion = informer->resourceVersion();

  client_.addWatchScript({{
      {WatchEvent::Type::Added, configMap("c", "201")},
      {WatchEvent::Type::Modified, configMap("a", "202", {{"k", "v"}})},
      {WatchEvent::Type::Deleted, configMap("b", "203")},
      {WatchEvent::Type::Bookmark, {{"metadata", {{"resourceVersion", "250"}}}}},
  }});
  ASSERT_TRUE(informer->watchOnce().ok());
  EXPECT_EQ(recorder_.take(), (std::vector<std::string>{"add ml/c", "update ml/a", "delete ml/b"}));
  EXPECT_EQ((*informer->get("ml/a").object)["data"]["k"], "v");
  EXPECT_EQ(informer->get("ml/b").object, nullptr);
  EXPECT_EQ(informer->resourceVersion(), "250");

  ASSERT_TRUE(informer->watchOnce().ok());
  auto calls = client_.watchCalls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].resourceVersion, listVersion);
  EXPECT_TRUE(calls[0].allowBookmarks);
  EXPECT_EQ(calls[1].resourceVersion, "250") << "the next watch resumes after the bookmark";
}

TEST_F(InformerTest, ExpiredEventInTheStreamIsGoneAndLaterEventsAreIgnored) {
  auto informer = makeInformer();
  ASSERT_TRUE(informer->listOnce().ok());
  client_.addWatchScript({{
      {WatchEvent::Type::Error, {{"kind", "Status"}, {"code", 410}, {"reason", "Expired"}, {"message", "too old"}}},
      {WatchEvent::Type::Added, configMap("late", "300")},
  }});
  Status watched = informer->watchOnce();
  ASSERT_FALSE(watched.ok());
  EXPECT_EQ(watched.error().code, ErrorCode::Gone);
  EXPECT_EQ(informer->get("ml/late").object, nullptr);
}

TEST_F(InformerTest, RelistReportsWhatTheGapSwallowedAndNothingElse) {
  client_.put(kConfigMaps, configMap("same", ""));
  client_.put(kConfigMaps, configMap("changed", ""));
  client_.put(kConfigMaps, configMap("deleted", ""));
  auto informer = makeInformer();
  ASSERT_TRUE(informer->listOnce().ok());
  recorder_.take();

  client_.put(kConfigMaps, configMap("changed", "", {{"k", "v"}}));
  ASSERT_TRUE(client_.remove(kConfigMaps, "ml", "deleted", {}).ok());
  client_.put(kConfigMaps, configMap("new", ""));
  ASSERT_TRUE(informer->listOnce().ok());
  auto events = recorder_.take();
  std::sort(events.begin(), events.end());
  EXPECT_EQ(events, (std::vector<std::string>{"add ml/new", "delete ml/deleted", "update ml/changed"}));
}

TEST_F(InformerTest, GetSaysStaleUntilTheCacheHasSeenOurOwnWrite) {
  client_.put(kConfigMaps, configMap("a", ""));
  auto informer = makeInformer();
  ASSERT_TRUE(informer->listOnce().ok());
  EXPECT_TRUE(informer->get("ml/a").upToDate);

  auto written = client_.patch(kConfigMaps, "ml", "a", k8s::PatchType::Merge, {{"data", {{"k", "v"}}}}, "");
  ASSERT_TRUE(written.ok());
  std::string rv = (*written)["metadata"]["resourceVersion"];
  informer->recordWrite("ml/a", rv);
  EXPECT_FALSE(informer->get("ml/a").upToDate);
  EXPECT_TRUE(informer->get("ml/other").upToDate) << "other keys are unaffected";

  client_.addWatchScript({{{WatchEvent::Type::Modified, *written}}});
  ASSERT_TRUE(informer->watchOnce().ok());
  EXPECT_TRUE(informer->get("ml/a").upToDate);

  // A write the cache already saw before it was recorded does not make the key stale.
  informer->recordWrite("ml/a", rv);
  EXPECT_TRUE(informer->get("ml/a").upToDate);
}

TEST_F(InformerTest, CallWhenCurrentCallsOnceTheWatchDeliversOurWriteOrAtOnceWhenItHas) {
  client_.put(kConfigMaps, configMap("a", ""));
  auto informer = makeInformer();
  ASSERT_TRUE(informer->listOnce().ok());
  std::vector<std::string> called;
  auto call = [&called](const std::string& key) { called.push_back(key); };

  informer->callWhenCurrent("ml/a", call);
  EXPECT_EQ(called, (std::vector<std::string>{"ml/a"})) << "nothing in flight: called at once";

  auto written = client_.patch(kConfigMaps, "ml", "a", k8s::PatchType::Merge, {{"data", {{"k", "v"}}}}, "");
  ASSERT_TRUE(written.ok());
  informer->recordWrite("ml/a", (*written)["metadata"]["resourceVersion"]);
  called.clear();
  informer->callWhenCurrent("ml/a", call);
  EXPECT_TRUE(called.empty()) << "called before the cache has our write";

  client_.addWatchScript({{{WatchEvent::Type::Modified, *written}}});
  ASSERT_TRUE(informer->watchOnce().ok());
  EXPECT_EQ(called, (std::vector<std::string>{"ml/a"}));
  client_.addWatchScript({{{WatchEvent::Type::Modified, *written}}});
  ASSERT_TRUE(informer->watchOnce().ok());
  EXPECT_EQ(called.size(), 1u) << "called once";
}

TEST_F(InformerTest, GetOfACreatedObjectIsStaleUntilABookmarkPassesItsVersion) {
  auto informer = makeInformer();
  ASSERT_TRUE(informer->listOnce().ok());
  auto created = client_.create(kConfigMaps, "ml", configMap("fresh", ""));
  ASSERT_TRUE(created.ok());
  std::string rv = (*created)["metadata"]["resourceVersion"];
  informer->recordWrite("ml/fresh", rv);
  auto cached = informer->get("ml/fresh");
  EXPECT_EQ(cached.object, nullptr);
  EXPECT_FALSE(cached.upToDate) << "absent because the cache lags, not because it does not exist";

  uint64_t later = *parseResourceVersion(rv) + 1;
  client_.addWatchScript({{{WatchEvent::Type::Bookmark, {{"metadata", {{"resourceVersion", std::to_string(later)}}}}}}});
  ASSERT_TRUE(informer->watchOnce().ok());
  EXPECT_TRUE(informer->get("ml/fresh").upToDate);
}

TEST_F(InformerTest, IndexMapsOwnedObjectsToTheirReleaseKey) {
  Json owned = configMap("fraud-7", "");
  owned["metadata"]["labels"] = {{"aviary.dev/release", "fraud"}};
  client_.put(kConfigMaps, owned);
  client_.put(kConfigMaps, configMap("unrelated", ""));
  auto informer = makeInformer();
  informer->addIndex("release", labelIndex("aviary.dev/release"));
  ASSERT_TRUE(informer->listOnce().ok());
  auto found = informer->store().byIndex("release", "ml/fraud");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(objectKey(*found[0]), "ml/fraud-7");
}

TEST_F(InformerTest, ResyncReportsEveryCachedObjectAsUpdated) {
  client_.put(kConfigMaps, configMap("a", ""));
  auto informer = makeInformer();
  ASSERT_TRUE(informer->listOnce().ok());
  recorder_.take();
  informer->resync();
  EXPECT_EQ(recorder_.take(), (std::vector<std::string>{"update ml/a"}));
}

TEST_F(InformerTest, ListFailureLeavesItUnsynced) {
  client_.failNext("list", makeError(ErrorCode::Unavailable, "connection refused"));
  auto informer = makeInformer();
  EXPECT_FALSE(informer->listOnce().ok());
  EXPECT_FALSE(informer->hasSynced());
}

// The loop on its thread: a failed list and a failed watch are retried, the watch resumes from the
// same version after a failure, and 410 makes it relist (whose diff reports the deletion).
TEST_F(InformerTest, RunLoopRetriesAfterFailuresAndRelistsOnGone) {
  client_.failNext("list", makeError(ErrorCode::Unavailable, "connection refused"));
  client_.failNext("watch", makeError(ErrorCode::Unavailable, "stream reset"));
  client_.addWatchScript({{{WatchEvent::Type::Added, configMap("only-in-stream", "900")}}});
  client_.addWatchScript({{{WatchEvent::Type::Error, {{"code", 410}, {"message", "too old"}}}}});
  InformerOptions options;
  options.reconnectBackoff = {std::chrono::milliseconds(1), std::chrono::milliseconds(5), 0};
  auto informer = makeInformer(options);
  informer->start();
  EXPECT_TRUE(informer->waitForSync(std::chrono::seconds(10)));
  // only-in-stream is not in the double's storage, so the relist after 410 must report it deleted.
  EXPECT_TRUE(recorder_.waitFor("delete ml/only-in-stream"));
  informer->stop();

  EXPECT_EQ(client_.calls("list"), 3) << "failed list, first list, relist after 410";
  auto calls = client_.watchCalls();
  ASSERT_GE(calls.size(), 3u);
  EXPECT_EQ(calls[0].resourceVersion, calls[1].resourceVersion) << "after a failed stream: same version";
  EXPECT_EQ(calls[2].resourceVersion, "900");
  EXPECT_NE(logs_.str().find("\"msg\":\"watch expired, relisting\""), std::string::npos);
}

}  // namespace
}  // namespace aviary::runtime
