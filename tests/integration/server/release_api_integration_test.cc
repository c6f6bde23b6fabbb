// The release API's Kubernetes adapters against the real kube-apiserver of hack/cluster.sh: the
// TokenReview and SubjectAccessReview verdicts on a ServiceAccount's token, and the store's writes,
// made with the caller's token, judged by the API server's RBAC and the approval admission policy.
#include <gtest/gtest.h>

#include <chrono>
#include <algorithm>
#include <cstdlib>
#include <thread>

#include "aviary/approval/access_reviewer.h"
#include "aviary/approval/token_reviewer.h"
#include "aviary/k8s/kube_client.h"
#include "aviary/server/release_store.h"

namespace aviary::server {
namespace {

using nlohmann::json;

const k8s::ResourceType kServiceAccounts{"", "v1", "serviceaccounts", "ServiceAccount", true};
const k8s::ResourceType kRoles{"rbac.authorization.k8s.io", "v1", "roles", "Role", true};
const k8s::ResourceType kRoleBindings{"rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true};

class ReleaseApiIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::getenv("KUBECONFIG")) GTEST_SKIP() << "KUBECONFIG unset: eval \"$(hack/cluster.sh env)\" first";
    auto config = k8s::resolveRestConfig({});
    ASSERT_TRUE(config) << config.error().describe();
    config_ = *config;
    auto client = k8s::makeClient(config_, {});
    ASSERT_TRUE(client) << client.error().describe();
    client_ = std::move(*client);
    ns_ = "api-it-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 1000000000);
    must(client_->create(k8s::resources::kNamespaces, "", {{"metadata", {{"name", ns_}}}}));
    must(client_->create(k8s::resources::kModelReleases, ns_, json::parse(R"({
        "apiVersion": "aviary.dev/v1alpha1", "kind": "ModelRelease", "metadata": {"name": "fraud"},
        "spec": {"model": {"name": "fraud", "version": "1"},
                 "template": {"spec": {"containers": [{"name": "server", "image": "scorer:1"}]}},
                 "strategy": {"canary": {"steps": [{"setWeight": 10}, {"approval": {}}]}}}})")));
    token_ = serviceAccountToken("ci");
    user_ = "system:serviceaccount:" + ns_ + ":ci";
  }

  void TearDown() override {
    if (client_) (void)client_->remove(k8s::resources::kNamespaces, "", ns_);
  }

  static json must(Result<json> result) {
    EXPECT_TRUE(result) << result.error().describe();
    return result ? *result : json();
  }

  // A ServiceAccount and a token for it from the TokenRequest subresource, as `kubectl create token`.
  std::string serviceAccountToken(const std::string& name) {
    must(client_->create(kServiceAccounts, ns_, {{"metadata", {{"name", name}}}}));
    const k8s::ResourceType tokenRequests{"", "v1", "serviceaccounts/" + name + "/token", "", true};
    json answer = must(client_->create(tokenRequests, ns_,
                                       {{"apiVersion", "authentication.k8s.io/v1"}, {"kind", "TokenRequest"},
                                        {"spec", {{"expirationSeconds", 600}}}}));
    return answer.value("/status/token"_json_pointer, std::string());
  }

  // Grants the ServiceAccount "ci" these verbs on these aviary.dev resources in the namespace.
  void grant(const std::string& name, const json& resources, const json& verbs) {
    must(client_->create(kRoles, ns_, {{"metadata", {{"name", name}}},
                                       {"rules", {{{"apiGroups", {"aviary.dev"}}, {"resources", resources}, {"verbs", verbs}}}}}));
    must(client_->create(kRoleBindings, ns_,
                         {{"metadata", {{"name", name}}},
                          {"roleRef", {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "Role"}, {"name", name}}},
                          {"subjects", {{{"kind", "ServiceAccount"}, {"name", "ci"}, {"namespace", ns_}}}}}));
  }

  approval::Identity caller() {
    auto verdict = approval::makeKubeTokenReviewer(*client_)->authenticate(token_);
    EXPECT_TRUE(verdict && verdict->authenticated);
    return verdict ? verdict->identity : approval::Identity{};
  }

  // RBAC grants reach the API server's authorizer through its informers: ask until they show (5 s).
  bool allowedSoon(approval::AccessReviewer& access, const approval::Identity& who, const approval::ReleaseAccess& what) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
      auto verdict = access.review(who, what);
      if (verdict && verdict->allowed) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  json approval(const std::string& approvedBy) const {
    return {{"apiVersion", "aviary.dev/v1alpha1"},
            {"kind", "ReleaseApproval"},
            {"metadata", {{"generateName", "fraud-approve-"}}},
            {"spec", {{"release", "fraud"}, {"decision", "approve"}, {"approvedBy", approvedBy}}}};
  }

  k8s::RestConfig config_;
  k8s::ClientPtr client_;
  std::string ns_;
  std::string token_;
  std::string user_;
};

TEST_F(ReleaseApiIntegrationTest, TokenReviewNamesTheServiceAccountAndRefusesGarbage) {
  auto reviewer = approval::makeKubeTokenReviewer(*client_);
  auto verdict = reviewer->authenticate(token_);
  ASSERT_TRUE(verdict) << verdict.error().describe();
  EXPECT_TRUE(verdict->authenticated) << verdict->reason;
  EXPECT_EQ(verdict->identity.username, user_);
  EXPECT_NE(std::find(verdict->identity.groups.begin(), verdict->identity.groups.end(), "system:serviceaccounts:" + ns_),
            verdict->identity.groups.end());

  auto garbage = reviewer->authenticate("garbage");
  ASSERT_TRUE(garbage) << garbage.error().describe();
  EXPECT_FALSE(garbage->authenticated);
}

TEST_F(ReleaseApiIntegrationTest, SubjectAccessReviewFollowsRbacPerVerb) {
  const auto who = caller();
  auto access = approval::makeKubeAccessReviewer(*client_);
  auto before = access->review(who, {"approve", ns_, "fraud"});
  ASSERT_TRUE(before) << before.error().describe();
  EXPECT_FALSE(before->allowed);
  EXPECT_FALSE(before->reason.empty());

  grant("approver", {"modelreleases"}, {"approve"});
  EXPECT_TRUE(allowedSoon(*access, who, {"approve", ns_, "fraud"}));
  auto patch = access->review(who, {"patch", ns_, "fraud"});
  ASSERT_TRUE(patch) << patch.error().describe();
  EXPECT_FALSE(patch->allowed) << "approve does not grant patch";
}

TEST_F(ReleaseApiIntegrationTest, TheStoreWritesAsTheCallerSoRbacAndAdmissionJudgeThem) {
  auto store = makeKubeReleaseStore(*client_, config_);
  // The operator's credentials could create this; the caller's cannot yet.
  auto refused = store->createApproval(token_, ns_, approval(user_));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().httpStatus, 403) << refused.error().describe();
  EXPECT_NE(refused.error().message.find(user_), std::string::npos) << refused.error().message;
  const json patch = {{"metadata", {{"annotations", {{"aviary.dev/request", "promote"}, {"aviary.dev/request-id", "it-1"}}}}}};
  auto notAllowed = store->patchRelease(token_, ns_, "fraud", patch);
  ASSERT_FALSE(notAllowed);
  EXPECT_EQ(notAllowed.error().httpStatus, 403);

  grant("approval-writer", {"releaseapprovals"}, {"create"});
  auto access = approval::makeKubeAccessReviewer(*client_);
  const auto who = caller();
  // The SubjectAccessReview speaks of modelreleases only; wait for the grant through a sibling verb.
  grant("release-patcher", {"modelreleases"}, {"patch"});
  ASSERT_TRUE(allowedSoon(*access, who, {"patch", ns_, "fraud"}));
  auto forged = store->createApproval(token_, ns_, approval("alice"));
  ASSERT_FALSE(forged) << "an approval in someone else's name is refused by the admission policy";
  EXPECT_EQ(forged.error().httpStatus, 403);
  EXPECT_NE(forged.error().message.find("spec.approvedBy must be the requesting user \"" + user_ + "\""), std::string::npos)
      << forged.error().message;

  auto created = store->createApproval(token_, ns_, approval(user_));
  ASSERT_TRUE(created) << created.error().describe();
  EXPECT_TRUE(created->starts_with("fraud-approve-")) << *created;

  auto patched = store->patchRelease(token_, ns_, "fraud", patch);
  ASSERT_TRUE(patched) << patched.error().describe();
  auto missing = store->patchRelease(token_, ns_, "ghost", patch);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().httpStatus, 404);

  auto release = store->read(ns_, "fraud");
  ASSERT_TRUE(release) << release.error().describe();
  EXPECT_EQ(release->metadata.annotations["aviary.dev/request-id"], "it-1");
  EXPECT_EQ(store->read(ns_, "ghost").error().code, ErrorCode::NotFound);
}

}  // namespace
}  // namespace aviary::server
