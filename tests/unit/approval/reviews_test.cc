// The TokenReview and SubjectAccessReview the HTTP API sends, and how their answers are read. The
// API server's side is proven by e2e/test_http_api.py.
#include <gtest/gtest.h>

#include "aviary/approval/access_reviewer.h"
#include "aviary/approval/token_reviewer.h"

namespace aviary::approval {
namespace {

using nlohmann::json;

TEST(TokenReview, CarriesOnlyTheToken) {
  EXPECT_EQ(tokenReview("abc.def"),
            json({{"apiVersion", "authentication.k8s.io/v1"}, {"kind", "TokenReview"}, {"spec", {{"token", "abc.def"}}}}));
}

TEST(TokenReview, AnAuthenticatedAnswerGivesTheUserAndGroups) {
  auto verdict = readTokenReview(json::parse(R"({"status": {"authenticated": true,
      "user": {"username": "system:serviceaccount:ci:deployer", "uid": "u1",
               "groups": ["system:serviceaccounts", "system:serviceaccounts:ci", "system:authenticated"]},
      "audiences": ["https://kubernetes.default.svc.cluster.local"]}})"));
  EXPECT_TRUE(verdict.authenticated);
  EXPECT_EQ(verdict.identity.username, "system:serviceaccount:ci:deployer");
  EXPECT_EQ(verdict.identity.groups,
            (std::vector<std::string>{"system:serviceaccounts", "system:serviceaccounts:ci", "system:authenticated"}));
}

TEST(TokenReview, ARefusalKeepsTheServersReason) {
  auto verdict = readTokenReview(json::parse(R"({"status": {"authenticated": false, "error": "invalid bearer token"}})"));
  EXPECT_FALSE(verdict.authenticated);
  EXPECT_EQ(verdict.reason, "invalid bearer token");
  EXPECT_FALSE(readTokenReview(json::parse(R"({"status": {}})")).authenticated);
  EXPECT_FALSE(readTokenReview(json::object()).authenticated);
}

TEST(TokenReview, AnAuthenticatedAnswerWithoutAUsernameIsNoIdentity) {
  auto verdict = readTokenReview(json::parse(R"({"status": {"authenticated": true, "user": {"groups": ["x"]}}})"));
  EXPECT_FALSE(verdict.authenticated);
  EXPECT_EQ(verdict.reason, "the token names no user");
}

TEST(SubjectAccessReview, AsksAboutTheVerbOnTheRelease) {
  auto review = subjectAccessReview(Identity{"alice", {"release-managers"}}, ReleaseAccess{"patch", "ml", "fraud"});
  EXPECT_EQ(review["kind"], "SubjectAccessReview");
  EXPECT_EQ(review["spec"]["user"], "alice");
  EXPECT_EQ(review["spec"]["groups"], json({"release-managers"}));
  EXPECT_EQ(review["spec"]["resourceAttributes"], json({{"group", "aviary.dev"}, {"resource", "modelreleases"},
                                                        {"verb", "patch"}, {"namespace", "ml"}, {"name", "fraud"}}));
  // The approve verb asks exactly what the ReleaseApproval path asks.
  EXPECT_EQ(subjectAccessReview(Identity{"alice", {}}, ReleaseAccess{"approve", "ml", "fraud"}),
            subjectAccessReview(Identity{"alice", {}}, "ml", "fraud"));
}

}  // namespace
}  // namespace aviary::approval
