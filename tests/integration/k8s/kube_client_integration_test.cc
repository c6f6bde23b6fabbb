// KubeClient against the real kube-apiserver of hack/cluster.sh (eval "$(hack/cluster.sh env)").
// Each test works in a namespace of its own; the whole suite skips when KUBECONFIG is unset.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "aviary/k8s/client.h"
#include "aviary/k8s/http_transport.h"
#include "aviary/k8s/kube_client.h"
#include "aviary/k8s/rest_config.h"
#include "aviary/k8s/secret_reader.h"
#include "integration/etcd_compaction.h"

namespace aviary::k8s {
namespace {

using Type = WatchEvent::Type;

const ResourceType kCrds{"apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", false};
const ResourceType kServiceAccounts{"", "v1", "serviceaccounts", "ServiceAccount", true};

Json configMap(const std::string& name, const Json& data = {{"k", "v"}}) {
  return {{"metadata", {{"name", name}, {"labels", {{"suite", "k8s-it"}}}}}, {"data", data}};
}

class KubeClientIntegration : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::getenv("KUBECONFIG")) GTEST_SKIP() << "KUBECONFIG unset: eval \"$(hack/cluster.sh env)\" first";
    auto client = makeClient(ClientOptions{});
    ASSERT_TRUE(client.ok()) << client.error().describe();
    client_ = std::move(client).value();
    ns_ = "k8s-it-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 1000000000);
    auto created = client_->create(resources::kNamespaces, "", {{"metadata", {{"name", ns_}}}});
    ASSERT_TRUE(created.ok()) << created.error().describe();
  }

  void TearDown() override {
    if (client_ && !ns_.empty()) (void)client_->remove(resources::kNamespaces, "", ns_);
  }

  Json mustCreate(const ResourceType& type, const Json& object) {
    auto created = client_->create(type, ns_, object);
    EXPECT_TRUE(created.ok()) << created.error().describe();
    return created.ok() ? *created : Json();
  }

  static RestConfig adminConfig() {
    auto config = resolveRestConfig(ClientOptions{});
    EXPECT_TRUE(config.ok()) << config.error().describe();
    return config.ok() ? *config : RestConfig{};
  }

  // The error of a GET that config is expected to make fail.
  static Error failedGetWith(const RestConfig& config) {
    auto client = makeClient(config, ClientOptions{});
    EXPECT_TRUE(client.ok());
    if (!client.ok()) return client.error();
    auto result = (*client)->get(resources::kNamespaces, "", "default");
    EXPECT_FALSE(result.ok());
    return result.ok() ? Error{} : result.error();
  }

  ClientPtr client_;
  std::string ns_;
};

TEST_F(KubeClientIntegration, ConfigMapCrudConflictAndPatches) {
  Json created = mustCreate(resources::kConfigMaps, configMap("settings"));
  EXPECT_EQ(created["data"]["k"], "v");
  std::string uid = created["metadata"]["uid"];

  auto again = client_->create(resources::kConfigMaps, ns_, configMap("settings"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::AlreadyExists);
  EXPECT_NE(again.error().message.find("already exists"), std::string::npos);

  Json fresh = *client_->get(resources::kConfigMaps, ns_, "settings");
  fresh["data"]["k"] = "v2";
  auto updated = client_->update(resources::kConfigMaps, ns_, fresh);
  ASSERT_TRUE(updated.ok()) << updated.error().describe();
  EXPECT_EQ((*updated)["data"]["k"], "v2");

  // `fresh` still carries the resourceVersion the update above replaced.
  fresh["data"]["k"] = "stale";
  auto stale = client_->update(resources::kConfigMaps, ns_, fresh);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::Conflict);
  EXPECT_EQ(stale.error().httpStatus, 409);
  EXPECT_NE(stale.error().message.find("the object has been modified"), std::string::npos) << stale.error().message;

  auto merged = client_->patch(resources::kConfigMaps, ns_, "settings", PatchType::Merge, {{"data", {{"m", "1"}}}});
  ASSERT_TRUE(merged.ok()) << merged.error().describe();
  EXPECT_EQ((*merged)["data"], (Json{{"k", "v2"}, {"m", "1"}}));
  auto jsonPatched = client_->patch(resources::kConfigMaps, ns_, "settings", PatchType::Json,
                                    Json::array({{{"op", "remove"}, {"path", "/data/m"}}}));
  ASSERT_TRUE(jsonPatched.ok()) << jsonPatched.error().describe();
  EXPECT_FALSE((*jsonPatched)["data"].contains("m"));
  auto strategic = client_->patch(resources::kConfigMaps, ns_, "settings", PatchType::StrategicMerge,
                                  {{"metadata", {{"labels", {{"extra", "yes"}}}}}});
  ASSERT_TRUE(strategic.ok()) << strategic.error().describe();
  EXPECT_EQ((*strategic)["metadata"]["labels"]["suite"], "k8s-it");
  EXPECT_EQ((*strategic)["metadata"]["labels"]["extra"], "yes");

  DeleteOptions wrongUid;
  wrongUid.preconditionUid = "00000000-0000-0000-0000-000000000000";
  auto refused = client_->remove(resources::kConfigMaps, ns_, "settings", wrongUid);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::Conflict);
  EXPECT_NE(refused.error().message.find("does not match the UID"), std::string::npos) << refused.error().message;

  DeleteOptions rightUid;
  rightUid.preconditionUid = uid;
  rightUid.propagationPolicy = "Background";  // Foreground/Orphan keep it until the garbage collector runs
  ASSERT_TRUE(client_->remove(resources::kConfigMaps, ns_, "settings", rightUid).ok());
  auto gone = client_->get(resources::kConfigMaps, ns_, "settings");
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code, ErrorCode::NotFound);
  EXPECT_NE(gone.error().message.find("configmaps \"settings\" not found"), std::string::npos);
}

TEST_F(KubeClientIntegration, InvalidObjectNamesTheField) {
  auto bad = client_->create(resources::kConfigMaps, ns_, configMap("Not_A_Dns_Name"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::Invalid);
  EXPECT_EQ(bad.error().httpStatus, 422);
  EXPECT_NE(bad.error().message.find("metadata.name"), std::string::npos) << bad.error().message;
}

TEST_F(KubeClientIntegration, ModelReleaseCrudAndStatusSubresource) {
  auto crd = client_->get(kCrds, "", "modelreleases.aviary.dev");
  if (!crd.ok() && crd.error().code == ErrorCode::NotFound) GTEST_SKIP() << "ModelRelease CRD not applied (crds/)";
  ASSERT_TRUE(crd.ok()) << crd.error().describe();

  Json release = Json::parse(R"({"metadata": {"name": "fraud-scorer"},
      "spec": {"model": {"name": "fraud-scorer", "version": "7"},
               "template": {"spec": {"containers": [{"name": "server", "image": "scorer:1.4"}]}},
               "strategy": {"canary": {"steps": [{"setWeight": 10}]}}}})");
  Json created = mustCreate(resources::kModelReleases, release);
  ASSERT_EQ(created["kind"], "ModelRelease");
  int generation = created["metadata"]["generation"];

  auto statusPatched = client_->patch(resources::kModelReleases, ns_, "fraud-scorer", PatchType::Merge,
                                      {{"status", {{"phase", "Progressing"}, {"canaryWeight", 10}}}}, "status");
  ASSERT_TRUE(statusPatched.ok()) << statusPatched.error().describe();
  EXPECT_EQ((*statusPatched)["status"]["phase"], "Progressing");
  EXPECT_EQ((*statusPatched)["metadata"]["generation"], generation);  // status writes leave spec alone

  // A spec change sent to /status is ignored by the server: the subresource really is separate.
  Json viaStatus = *statusPatched;
  viaStatus["spec"]["model"]["version"] = "8";
  viaStatus["status"]["canaryWeight"] = 50;
  auto written = client_->updateStatus(resources::kModelReleases, ns_, viaStatus);
  ASSERT_TRUE(written.ok()) << written.error().describe();
  EXPECT_EQ((*written)["spec"]["model"]["version"], "7");
  EXPECT_EQ((*written)["status"]["canaryWeight"], 50);

  auto staleStatus = client_->updateStatus(resources::kModelReleases, ns_, viaStatus);
  ASSERT_FALSE(staleStatus.ok());
  EXPECT_EQ(staleStatus.error().code, ErrorCode::Conflict);

  auto invalidPhase = client_->patch(resources::kModelReleases, ns_, "fraud-scorer", PatchType::Merge,
                                     {{"status", {{"phase", "Sideways"}}}}, "status");
  ASSERT_FALSE(invalidPhase.ok());
  EXPECT_EQ(invalidPhase.error().code, ErrorCode::Invalid);
  EXPECT_NE(invalidPhase.error().message.find("status.phase"), std::string::npos) << invalidPhase.error().message;

  auto list = client_->list(resources::kModelReleases, ns_, {});
  ASSERT_TRUE(list.ok()) << list.error().describe();
  ASSERT_EQ(list->items.size(), 1u);
  EXPECT_EQ(list->items[0]["apiVersion"], "aviary.dev/v1alpha1");
  ASSERT_TRUE(client_->remove(resources::kModelReleases, ns_, "fraud-scorer").ok());
}

TEST_F(KubeClientIntegration, PaginatedListOfThreeHundredConfigMaps) {
  ClientOptions fast;
  fast.qps = 500;
  fast.burst = 500;
  auto bulk = makeClient(fast);
  ASSERT_TRUE(bulk.ok());
  constexpr int kCount = 310;
  for (int i = 0; i < kCount; ++i) {
    auto created = (*bulk)->create(resources::kConfigMaps, ns_, configMap("page-" + std::to_string(i)));
    ASSERT_TRUE(created.ok()) << created.error().describe();
  }
  ListOptions options;
  options.labelSelector = "suite=k8s-it";
  options.limit = 50;
  int pages = 0;
  size_t seen = 0;
  for (ListOptions page = options;; ++pages) {
    auto result = client_->list(resources::kConfigMaps, ns_, page);
    ASSERT_TRUE(result.ok()) << result.error().describe();
    EXPECT_LE(result->items.size(), 50u);
    seen += result->items.size();
    if (result->continueToken.empty()) break;
    page.continueToken = result->continueToken;
  }
  EXPECT_EQ(pages + 1, 7);
  EXPECT_EQ(seen, static_cast<size_t>(kCount));

  auto all = listAll(*client_, resources::kConfigMaps, ns_, options);
  ASSERT_TRUE(all.ok()) << all.error().describe();
  EXPECT_EQ(all->items.size(), static_cast<size_t>(kCount));
  EXPECT_FALSE(all->resourceVersion.empty());
  EXPECT_EQ(all->items.front()["kind"], "ConfigMap");
}

TEST_F(KubeClientIntegration, ConcurrentCallsShareOneClient) {
  mustCreate(resources::kConfigMaps, configMap("shared"));
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        if (!client_->get(resources::kConfigMaps, ns_, "shared").ok()) ++failures;
        if (!client_->patch(resources::kConfigMaps, ns_, "shared", PatchType::Merge,
                            {{"data", {{"t" + std::to_string(t), std::to_string(i)}}}}).ok()) {
          ++failures;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  auto final = client_->get(resources::kConfigMaps, ns_, "shared");
  ASSERT_TRUE(final.ok());
  for (int t = 0; t < 4; ++t) EXPECT_EQ((*final)["data"]["t" + std::to_string(t)], "24");
}

TEST_F(KubeClientIntegration, WatchSeesAddModifyDeleteAndBookmarks) {
  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<WatchEvent> events;
  Status result = okStatus();
  WatchOptions options;
  options.timeoutSeconds = 60;
  // From "" the server first replays the (empty) namespace and marks the end with a bookmark.
  std::thread watcher([&] {
    result = client_->watch(resources::kConfigMaps, ns_, options, [&](const WatchEvent& event) {
      std::lock_guard<std::mutex> lock(mutex);
      events.push_back(event);
      changed.notify_all();
    }, stop);
  });
  auto waitFor = [&](Type type, const std::string& name) {
    std::unique_lock<std::mutex> lock(mutex);
    return changed.wait_for(lock, std::chrono::seconds(20), [&] {
      for (const auto& event : events) {
        if (event.type == type && (name.empty() || event.object["metadata"].value("name", "") == name)) return true;
      }
      return false;
    });
  };
  // kube-root-ca.crt appears in every new namespace; the bookmark follows the initial events.
  EXPECT_TRUE(waitFor(Type::Bookmark, ""));
  mustCreate(resources::kConfigMaps, configMap("watched"));
  EXPECT_TRUE(waitFor(Type::Added, "watched"));
  ASSERT_TRUE(client_->patch(resources::kConfigMaps, ns_, "watched", PatchType::Merge, {{"data", {{"k", "v2"}}}}).ok());
  EXPECT_TRUE(waitFor(Type::Modified, "watched"));
  ASSERT_TRUE(client_->remove(resources::kConfigMaps, ns_, "watched").ok());
  EXPECT_TRUE(waitFor(Type::Deleted, "watched"));
  stop = true;
  watcher.join();
  EXPECT_TRUE(result.ok()) << result.error().describe();
  std::lock_guard<std::mutex> lock(mutex);
  for (const auto& event : events) {
    if (event.type == Type::Bookmark) {
      EXPECT_FALSE(event.object["metadata"].value("resourceVersion", "").empty());
    }
  }
}

TEST_F(KubeClientIntegration, WatchEndsOkWhenTheServerTimesItOut) {
  auto list = client_->list(resources::kConfigMaps, ns_, {});
  ASSERT_TRUE(list.ok());
  WatchOptions options;
  options.resourceVersion = list->resourceVersion;
  options.timeoutSeconds = 1;
  std::atomic<bool> stop{false};
  auto status = client_->watch(resources::kConfigMaps, ns_, options, [](const WatchEvent&) {}, stop);
  EXPECT_TRUE(status.ok()) << status.error().describe();
}

TEST_F(KubeClientIntegration, WatchFromACompactedVersionIsGone) {
  Status compacted = testing::compactEtcd();
  ASSERT_TRUE(compacted.ok()) << compacted.error().describe();
  WatchOptions options;
  options.resourceVersion = "1";
  options.timeoutSeconds = 10;  // a served watch ends instead of hanging the suite
  std::atomic<bool> stop{false};
  int events = 0;
  // Events have no watch cache: the API server asks etcd, which no longer has revision 1.
  auto status = client_->watch(resources::kEvents, ns_, options, [&](const WatchEvent&) { ++events; }, stop);
  ASSERT_FALSE(status.ok()) << events << " events were served from revision 1";
  EXPECT_EQ(status.error().code, ErrorCode::Gone);
  EXPECT_NE(status.error().message.find("too old"), std::string::npos) << status.error().message;
}

TEST_F(KubeClientIntegration, ImpersonatedUserWithoutRbacIsForbidden) {
  ClientOptions options;
  options.impersonateUser = "aviary-it-nobody";
  auto nobody = makeClient(options);
  ASSERT_TRUE(nobody.ok());
  auto denied = (*nobody)->get(resources::kConfigMaps, ns_, "anything");
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.error().code, ErrorCode::Forbidden);
  EXPECT_EQ(denied.error().httpStatus, 403);
  EXPECT_NE(denied.error().message.find("User \"aviary-it-nobody\" cannot get resource \"configmaps\""), std::string::npos)
      << denied.error().message;
}

TEST_F(KubeClientIntegration, TokenReviewAndSelfSubjectReview) {
  auto garbage = client_->review(resources::kTokenReviews, {{"spec", {{"token", "not-a-real-token"}}}});
  ASSERT_TRUE(garbage.ok()) << garbage.error().describe();
  EXPECT_FALSE((*garbage)["status"].value("authenticated", false));

  auto self = client_->review(resources::kSelfSubjectReviews, Json::object());
  ASSERT_TRUE(self.ok()) << self.error().describe();
  EXPECT_EQ((*self)["status"]["userInfo"]["username"], "aviary-admin");
}

TEST_F(KubeClientIntegration, ServiceAccountTokenAuthenticates) {
  mustCreate(kServiceAccounts, {{"metadata", {{"name", "robot"}}}});
  // TokenRequest is a subresource create the Client interface has no verb for; the transport does it.
  auto transport = makeCurlTransport(adminConfig(), "aviary-it");
  ASSERT_TRUE(transport.ok());
  HttpRequest request{"POST", "/api/v1/namespaces/" + ns_ + "/serviceaccounts/robot/token",
                      {{"Content-Type", "application/json"}},
                      R"({"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","spec":{"expirationSeconds":600}})"};
  auto issued = (*transport)->perform(request);
  ASSERT_TRUE(issued.ok()) << issued.error().describe();
  ASSERT_EQ(issued->status, 201) << issued->body;
  std::string token = Json::parse(issued->body)["status"]["token"];

  auto review = client_->review(resources::kTokenReviews, {{"spec", {{"token", token}}}});
  ASSERT_TRUE(review.ok()) << review.error().describe();
  EXPECT_TRUE((*review)["status"].value("authenticated", false));

  RestConfig asRobot = adminConfig();
  asRobot.clientCertData.clear();
  asRobot.clientKeyData.clear();
  asRobot.token = token;
  auto robot = makeClient(asRobot, ClientOptions{});
  ASSERT_TRUE(robot.ok());
  auto self = (*robot)->review(resources::kSelfSubjectReviews, Json::object());
  ASSERT_TRUE(self.ok()) << self.error().describe();
  EXPECT_EQ((*self)["status"]["userInfo"]["username"], "system:serviceaccount:" + ns_ + ":robot");
}

TEST_F(KubeClientIntegration, SubjectAccessReviewAnswersForOtherUsers) {
  auto ask = [&](const std::string& user, const Json& groups) {
    Json review = {{"spec", {{"user", user}, {"groups", groups},
                             {"resourceAttributes", {{"namespace", ns_}, {"verb", "create"}, {"group", "aviary.dev"},
                                                     {"resource", "releaseapprovals"}}}}}};
    auto answer = client_->review(resources::kSubjectAccessReviews, review);
    EXPECT_TRUE(answer.ok()) << answer.error().describe();
    return answer.ok() ? (*answer)["status"].value("allowed", false) : false;
  };
  EXPECT_TRUE(ask("root-ish", Json::array({"system:masters"})));
  EXPECT_FALSE(ask("aviary-it-nobody", Json::array()));
}

TEST_F(KubeClientIntegration, WrongCaIsRejectedByTlsVerification) {
  RestConfig config = adminConfig();
  config.caData = config.clientCertData;  // a certificate that did not sign the server's
  Error error = failedGetWith(config);
  EXPECT_EQ(error.code, ErrorCode::Unavailable);
  EXPECT_NE(error.message.find("certificate"), std::string::npos) << error.message;
}

TEST_F(KubeClientIntegration, ClosedPortIsUnavailable) {
  RestConfig config = adminConfig();
  config.server = "https://127.0.0.1:1";  // nothing listens on port 1
  Error error = failedGetWith(config);
  EXPECT_EQ(error.code, ErrorCode::Unavailable);
  EXPECT_NE(error.message.find("127.0.0.1:1"), std::string::npos) << error.message;
}

TEST_F(KubeClientIntegration, SecretValuesAreDecodedAndMissingOnesNamed) {
  Json secret = {{"metadata", {{"name", "creds"}}}, {"stringData", {{"token", "s3cr3t-token"}}}};
  ASSERT_TRUE(client_->create(resources::kSecrets, ns_, secret).ok());

  auto token = readSecretValue(*client_, ns_, "creds", "token");
  ASSERT_TRUE(token.ok()) << token.error().describe();
  EXPECT_EQ(*token, "s3cr3t-token");

  auto noKey = readSecretValue(*client_, ns_, "creds", "password");
  ASSERT_FALSE(noKey.ok());
  EXPECT_EQ(noKey.error().code, ErrorCode::NotFound);
  EXPECT_NE(noKey.error().message.find("no key \"password\""), std::string::npos) << noKey.error().message;

  auto noSecret = readSecretValue(*client_, ns_, "absent", "token");
  ASSERT_FALSE(noSecret.ok());
  EXPECT_EQ(noSecret.error().code, ErrorCode::NotFound);
  EXPECT_NE(noSecret.error().message.find(ns_ + "/absent"), std::string::npos) << noSecret.error().message;
}

}  // namespace
}  // namespace aviary::k8s
