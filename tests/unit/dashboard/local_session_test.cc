// The pieces `aviary dashboard` puts in place of the operator's reviewers (the SelfSubjectAccessReview
// against a real API server is exercised by e2e/test_dashboard.py with a restricted user).
#include "aviary/dashboard/local_session.h"

#include <gtest/gtest.h>

namespace aviary::dashboard {
namespace {

using nlohmann::json;

TEST(LocalSessionTest, OnlyTheSessionTokenAuthenticatesAsTheKubeconfigUser) {
  const std::string session = randomSessionToken();
  auto tokens = makeSessionTokenReviewer(session, {"alice", {"release-managers"}});
  auto verdict = tokens->authenticate(session);
  ASSERT_TRUE(verdict);
  EXPECT_TRUE(verdict->authenticated);
  EXPECT_EQ(verdict->identity.username, "alice");
  EXPECT_EQ(verdict->identity.groups, std::vector<std::string>{"release-managers"});
  for (const std::string& other : {std::string(), session.substr(1), session + "0", std::string(session.size(), '0')}) {
    auto refused = tokens->authenticate(other);
    ASSERT_TRUE(refused);
    EXPECT_FALSE(refused->authenticated) << other;
    EXPECT_NE(refused->reason.find("session token"), std::string::npos);
  }
}

TEST(LocalSessionTest, SessionTokensAre32RandomBytesInHex) {
  const std::string a = randomSessionToken(), b = randomSessionToken();
  EXPECT_EQ(a.size(), 64u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(a, b);
}

TEST(LocalSessionTest, TheAccessReviewAsksAboutTheCallerItself) {
  EXPECT_EQ(selfSubjectAccessReview({"patch", "ml", "fraud"}),
            json({{"apiVersion", "authorization.k8s.io/v1"},
                  {"kind", "SelfSubjectAccessReview"},
                  {"spec",
                   {{"resourceAttributes",
                     {{"group", "aviary.dev"}, {"resource", "modelreleases"}, {"verb", "patch"}, {"namespace", "ml"},
                      {"name", "fraud"}}}}}}));
}

}  // namespace
}  // namespace aviary::dashboard
