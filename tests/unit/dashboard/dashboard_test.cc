// The dashboard's routes against fake reviewers and a feed filled by hand: who sees which releases,
// which buttons, which answer a refused or anonymous caller gets, and the page's security headers.
// The real API server's part (TokenReview, RBAC) is proven by e2e/test_dashboard.py in a browser.
#include "aviary/dashboard/dashboard.h"

#include <gtest/gtest.h>

#include <sstream>

#include "unit/dashboard/dashboard_fixtures.h"
#include "unit/server/fake_reviewers.h"

namespace aviary::dashboard {
namespace {

using nlohmann::json;
using server::HttpRequest;
using server::HttpResponse;

runtime::ObjectPtr object(json value) { return std::make_shared<const json>(std::move(value)); }

class DashboardTest : public ::testing::Test {
 protected:
  DashboardTest() : logger_(log_, clock_), feed_(clock_), dashboard_(tokens_, access_, feed_, clock_, logger_, options()) {
    tokens_.users["alice-token"] = {"alice", {"release-managers", "system:authenticated"}};
    tokens_.users["rita-token"] = {"rita", {"system:authenticated"}};
    access_.grants = {"alice list ml/",       "alice get ml/fraud",  "alice approve ml/fraud", "alice patch ml/fraud",
                      "alice list staging/",  "rita list ml/",       "rita get ml/fraud"};
    json fraud = testing::cliFixture("canary_awaiting_approval.json");
    feed_.upsert(object(fraud));
    feed_.upsert(object(testing::release("staging", "ranker")));
    feed_.upsert(object(testing::release("secret", "hidden")));
  }
  static DashboardOptions options() {
    DashboardOptions options;
    options.longPollWait = Duration::zero();  // a unit test never waits
    return options;
  }

  static HttpRequest get(const std::string& path, const std::string& token, std::map<std::string, std::string> params = {}) {
    HttpRequest request;
    request.method = "GET";
    request.path = path;
    request.pathParams = std::move(params);
    if (!token.empty()) request.headers["Authorization"] = "Bearer " + token;
    return request;
  }
  HttpResponse list(const std::string& token) { return dashboard_.releases(get("/api/v1/dashboard/releases", token)); }
  HttpResponse detail(const std::string& token, const std::string& ns = "ml", const std::string& name = "fraud") {
    return dashboard_.release(get("/api/v1/dashboard/namespaces/" + ns + "/releases/" + name, token,
                                  {{"namespace", ns}, {"name", name}}));
  }
  static json bodyOf(const HttpResponse& response) { return json::parse(response.body); }
  static std::vector<std::string> names(const json& list) {
    std::vector<std::string> out;
    for (const auto& row : list["releases"]) out.push_back(row["namespace"].get<std::string>() + "/" + row["name"].get<std::string>());
    return out;
  }

  std::ostringstream log_;
  ManualClock clock_;
  runtime::Logger logger_;
  server::testing::FakeTokens tokens_;
  server::testing::FakeAccess access_;
  ReleaseFeed feed_;
  Dashboard dashboard_;
};

TEST_F(DashboardTest, TheListHoldsOnlyTheNamespacesTheCallerMayList) {
  auto alice = list("alice-token");
  ASSERT_EQ(alice.status, 200) << alice.body;
  EXPECT_EQ(names(bodyOf(alice)), (std::vector<std::string>{"ml/fraud", "staging/ranker"}));
  EXPECT_EQ(bodyOf(alice)["namespaces"], json({"ml", "staging"}));
  EXPECT_EQ(bodyOf(alice)["user"], "alice");
  EXPECT_EQ(names(bodyOf(list("rita-token"))), std::vector<std::string>{"ml/fraud"});
  for (const auto& asked : access_.asked) {
    EXPECT_EQ(asked.verb, "list");
    EXPECT_EQ(asked.release, "") << "a list review names no release";
  }
}

TEST_F(DashboardTest, TheReleasePageCarriesTheCallersActions) {
  auto alice = detail("alice-token");
  ASSERT_EQ(alice.status, 200) << alice.body;
  EXPECT_EQ(bodyOf(alice)["actions"], json({"approve", "reject", "promote", "promote-full", "abort"}));
  auto rita = detail("rita-token");
  ASSERT_EQ(rita.status, 200) << rita.body;
  EXPECT_EQ(bodyOf(rita)["actions"], json::array()) << "read-only: the page, no buttons";
  EXPECT_EQ(bodyOf(rita)["release"]["phase"], "AwaitingApproval");
}

TEST_F(DashboardTest, AReleaseTheCallerMayNotGetIs403WhetherOrNotItExists) {
  EXPECT_EQ(detail("rita-token", "secret", "hidden").status, 403);
  EXPECT_EQ(detail("rita-token", "secret", "nothing-here").status, 403);
  access_.grants.insert("alice get ml/gone");
  EXPECT_EQ(detail("alice-token", "ml", "gone").status, 404);
}

TEST_F(DashboardTest, NoTokenOrABadTokenIs401AndAnOutageIs503) {
  for (const std::string& token : {std::string(), std::string("forged")}) {
    EXPECT_EQ(list(token).status, 401) << token;
    EXPECT_EQ(detail(token).status, 401) << token;
    EXPECT_EQ(dashboard_.whoami(get("/api/v1/dashboard/whoami", token)).status, 401) << token;
  }
  access_.outage = makeError(ErrorCode::Unavailable, "connection refused");
  EXPECT_EQ(list("alice-token").status, 503);
  EXPECT_EQ(detail("alice-token").status, 503);
  tokens_.outage = makeError(ErrorCode::Unavailable, "connection refused");
  EXPECT_EQ(list("alice-token").status, 503);
}

TEST_F(DashboardTest, WhoamiNamesTheReviewedUser) {
  auto answer = dashboard_.whoami(get("/api/v1/dashboard/whoami", "alice-token"));
  ASSERT_EQ(answer.status, 200);
  EXPECT_EQ(bodyOf(answer), json({{"user", "alice"}, {"groups", {"release-managers", "system:authenticated"}}}));
}

TEST_F(DashboardTest, LongPollsAnswerWithTheVersionAndRefuseAMalformedOne) {
  const uint64_t before = bodyOf(list("alice-token"))["version"];
  feed_.upsert(object(testing::release("staging", "ranker", "Progressing", 30)));
  auto request = get("/api/v1/dashboard/releases", "alice-token");
  request.query["since"] = std::to_string(before);
  auto answer = dashboard_.releases(request);
  ASSERT_EQ(answer.status, 200);
  EXPECT_GT(bodyOf(answer)["version"].get<uint64_t>(), before);
  request.query["since"] = "12abc";
  EXPECT_EQ(dashboard_.releases(request).status, 400);
}

TEST_F(DashboardTest, EveryAnswerCarriesAStrictContentSecurityPolicy) {
  for (const HttpResponse& response : {dashboard_.asset(get("/", "")), dashboard_.asset(get("/app.js", "")), list("alice-token"),
                                       list("")}) {
    const std::string csp = response.headers.at("Content-Security-Policy");
    EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << csp;
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
    EXPECT_EQ(response.headers.count("Set-Cookie"), 0u);
  }
}

TEST_F(DashboardTest, ThePageIsServedFromTheBinaryWithoutInlineScript) {
  auto page = dashboard_.asset(get("/", ""));
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.contentType, "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("<script src=\"/app.js\""), std::string::npos);
  EXPECT_EQ(page.body.find("<script>"), std::string::npos) << "the CSP would block an inline script";
  EXPECT_EQ(page.body.find("http://"), std::string::npos) << "nothing is fetched from elsewhere";
  EXPECT_EQ(dashboard_.asset(get("/app.js", "")).contentType, "text/javascript; charset=utf-8");
  // app.js uses view.js's functions: the page loads it first (deferred scripts run in order).
  EXPECT_LT(page.body.find("<script src=\"/view.js\""), page.body.find("<script src=\"/app.js\""));
  EXPECT_EQ(dashboard_.asset(get("/view.js", "")).status, 200);
  EXPECT_EQ(dashboard_.asset(get("/nope.js", "")).status, 404);
}

}  // namespace
}  // namespace aviary::dashboard
