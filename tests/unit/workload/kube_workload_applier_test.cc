#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

#include "aviary/workload/applier.h"
#include "aviary/workload/objects.h"
#include "mocks/k8s/fake_kube_client.h"
#include "unit/workload/release_fixture.h"

namespace aviary::workload {
namespace {

namespace resources = k8s::resources;
using testing::fraudScorer;

// Fills in what the API server adds, so "no write on repeat" is tested against realistic live objects.
void serverDefaults(Json& object) {
  if (object["kind"] == "Service") {
    object["spec"]["clusterIP"] = "10.96.0.10";
    object["spec"]["type"] = "ClusterIP";
  } else {
    Json& pod = object["spec"]["template"]["spec"];
    pod["dnsPolicy"] = "ClusterFirst";
    for (auto& c : pod["containers"]) c["imagePullPolicy"] = "IfNotPresent";
  }
}

class KubeWorkloadApplierTest : public ::testing::Test {
 protected:
  void SetUp() override { client_.defaulter = serverDefaults; }

  aviary::testing::FakeKubeClient client_;
  WorkloadApplierPtr applier_ = makeKubeWorkloadApplier(client_);
  api::ModelRelease release_ = fraudScorer();
};

TEST_F(KubeWorkloadApplierTest, CreatesThenWritesNothingOnRepeat) {
  auto first = applier_->ensureDeployment(release_, "7", 4);
  ASSERT_TRUE(first) << first.error().describe();
  ASSERT_EQ(first->count(), 1u);
  EXPECT_EQ(first->writes[0].verb, "create");
  EXPECT_EQ(first->writes[0].name, "fraud-scorer-7");
  EXPECT_FALSE(first->writes[0].resourceVersion.empty());

  auto again = applier_->ensureDeployment(release_, "7", 4);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->count(), 0u);
  EXPECT_EQ(client_.writes, 1);
}

TEST_F(KubeWorkloadApplierTest, PatchesOnTemplateChangeKeepingOthersFields) {
  ASSERT_TRUE(applier_->ensureDeployment(release_, "7", 4));
  client_.mutate(resources::kDeployments, "ml", "fraud-scorer-7", [](Json& d) {
    d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] = "1";
  });
  release_.spec.template_["spec"]["containers"][0]["image"] = "scorer:1.5";
  auto changed = applier_->ensureDeployment(release_, "7", 4);
  ASSERT_TRUE(changed);
  ASSERT_EQ(changed->count(), 1u);
  EXPECT_EQ(changed->writes[0].verb, "patch");
  const Json& live = client_.stored(resources::kDeployments, "ml", "fraud-scorer-7");
  EXPECT_EQ(live["spec"]["template"]["spec"]["containers"][0]["image"], "scorer:1.5");
  EXPECT_EQ(live["metadata"]["annotations"]["deployment.kubernetes.io/revision"], "1");
  EXPECT_EQ(changed->writes[0].resourceVersion, live["metadata"]["resourceVersion"]);
}

TEST_F(KubeWorkloadApplierTest, ScaleWritesOnlyWhenDifferent) {
  ASSERT_TRUE(applier_->ensureDeployment(release_, "7", 4));
  auto same = applier_->scaleDeployment(releaseRef(release_), "7", 4);
  ASSERT_TRUE(same);
  EXPECT_EQ(same->count(), 0u);
  auto scaled = applier_->scaleDeployment(releaseRef(release_), "7", 1);
  ASSERT_TRUE(scaled);
  EXPECT_EQ(scaled->count(), 1u);
  EXPECT_EQ(client_.stored(resources::kDeployments, "ml", "fraud-scorer-7")["spec"]["replicas"], 1);
  auto missing = applier_->scaleDeployment(releaseRef(release_), "9", 1);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::NotFound);
  EXPECT_EQ(missing.error().message, "Deployment ml/fraud-scorer-9 not found");
}

TEST_F(KubeWorkloadApplierTest, DeleteIsIdempotent) {
  ASSERT_TRUE(applier_->ensureDeployment(release_, "7", 4));
  auto deleted = applier_->deleteDeployment(releaseRef(release_), "7");
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->count(), 1u);
  EXPECT_FALSE(client_.has(resources::kDeployments, "ml", "fraud-scorer-7"));
  auto again = applier_->deleteDeployment(releaseRef(release_), "7");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->count(), 0u);
}

TEST_F(KubeWorkloadApplierTest, NeverTouchesAnotherControllersObject) {
  Json foreign = buildDeployment(release_, "7", 4);
  foreign["metadata"]["ownerReferences"] = Json::parse(
      R"([{"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "name": "other", "uid": "x", "controller": true}])");
  client_.seed(resources::kDeployments, foreign);
  for (auto result : {applier_->ensureDeployment(release_, "7", 2), applier_->scaleDeployment(releaseRef(release_), "7", 2),
                      applier_->deleteDeployment(releaseRef(release_), "7")}) {
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, ErrorCode::AlreadyExists);
    EXPECT_NE(result.error().message.find("Rollout other"), std::string::npos) << result.error().message;
  }
  EXPECT_EQ(client_.writes, 0);
}

TEST_F(KubeWorkloadApplierTest, ServicesCreatedSwitchedAndIdle) {
  auto created = applier_->ensureServices(release_, "7", "");
  ASSERT_TRUE(created) << created.error().describe();
  EXPECT_EQ(created->count(), 3u);
  auto idle = applier_->ensureServices(release_, "7", "");
  ASSERT_TRUE(idle);
  EXPECT_EQ(idle->count(), 0u);

  auto rollout = applier_->ensureServices(release_, "7", "8");
  ASSERT_TRUE(rollout);
  ASSERT_EQ(rollout->count(), 1u);  // only the canary Service changes
  EXPECT_EQ(rollout->writes[0].name, "fraud-scorer-canary");
  const Json& canary = client_.stored(resources::kServices, "ml", "fraud-scorer-canary");
  EXPECT_EQ(canary["spec"]["selector"]["aviary.dev/model-version"], "8");
  EXPECT_EQ(canary["spec"]["clusterIP"], "10.96.0.10");
}

TEST_F(KubeWorkloadApplierTest, CreateRaceFallsBackToPatch) {
  Json theirs = buildDeployment(release_, "7", 1);
  theirs["metadata"].erase("ownerReferences");
  client_.beforeNextCreate = [&] { client_.seed(resources::kDeployments, theirs); };
  auto result = applier_->ensureDeployment(release_, "7", 4);
  ASSERT_TRUE(result) << result.error().describe();
  ASSERT_EQ(result->count(), 1u);
  EXPECT_EQ(result->writes[0].verb, "patch");
  const Json& live = client_.stored(resources::kDeployments, "ml", "fraud-scorer-7");
  EXPECT_EQ(live["spec"]["replicas"], 4);
  EXPECT_EQ(live["metadata"]["ownerReferences"][0]["uid"], "release-uid-1");
}

// A client whose creates wait (up to 10 s) until `expected` of them are in flight together.
class RendezvousClient : public aviary::testing::FakeKubeClient {
 public:
  explicit RendezvousClient(size_t expected) : expected_(expected) {}
  Result<Json> create(const k8s::ResourceType& type, const std::string& ns, const Json& object) override {
    {
      std::unique_lock lock(mutex_);
      ++arrived_;
      changed_.notify_all();
      met = changed_.wait_for(lock, std::chrono::seconds(10), [this] { return arrived_ >= expected_; }) && met;
    }
    return FakeKubeClient::create(type, ns, object);
  }
  bool met = true;  // every create found the others in flight

 private:
  size_t expected_;
  size_t arrived_ = 0;
  std::mutex mutex_;
  std::condition_variable changed_;
};

TEST(KubeWorkloadApplierServices, TheServicesThatNeedAWriteGetItTogether) {
  RendezvousClient client(3);
  auto applier = makeKubeWorkloadApplier(client);
  auto created = applier->ensureServices(fraudScorer(), "7", "");
  ASSERT_TRUE(created) << created.error().describe();
  EXPECT_EQ(created->count(), 3u);
  EXPECT_TRUE(client.met) << "the three creates went out one after another";
}

TEST(KubeWorkloadApplierServices, AServiceOwnedByAnotherControllerFailsTheActionBeforeAnyWrite) {
  aviary::testing::FakeKubeClient client;
  Json theirs = buildServices(fraudScorer(), "7", "").canary;
  theirs["metadata"]["ownerReferences"] = Json::parse(
      R"([{"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "name": "other", "uid": "x", "controller": true}])");
  client.seed(resources::kServices, theirs);
  auto applier = makeKubeWorkloadApplier(client);
  auto result = applier->ensureServices(fraudScorer(), "7", "");
  ASSERT_FALSE(result);
  EXPECT_EQ(client.objects(resources::kServices).size(), 1u) << "checked before any write: nothing written";
}

}  // namespace
}  // namespace aviary::workload
