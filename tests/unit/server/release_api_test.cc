// The release API's decisions, against fake reviewers and a fake store: which answer each step gives,
// and that the write carries the caller's token and reviewed identity. The real API server's part
// (TokenReview, RBAC, admission, the write) is proven by e2e/test_http_api.py.
#include "aviary/server/release_api.h"

#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <vector>

#include "unit/approval/awaiting_approval.h"
#include "unit/server/fake_reviewers.h"
#include "unit/server/test_client.h"

namespace aviary::server {
namespace {

using nlohmann::json;

using testing::FakeAccess;
using testing::FakeTokens;

class FakeStore final : public ReleaseStore {
 public:
  std::map<std::string, api::ModelRelease> releases;  // "ns/name"
  std::optional<Error> readError, writeError;
  struct Write {
    std::string token, namespace_, name;
    json object;
  };
  std::vector<Write> approvals, patches;

  Result<api::ModelRelease> read(const std::string& ns, const std::string& name) override {
    if (readError) return *readError;
    auto it = releases.find(ns + "/" + name);
    if (it == releases.end()) return makeError(ErrorCode::NotFound, "modelreleases \"" + name + "\" not found");
    return it->second;
  }
  Result<std::string> createApproval(const std::string& token, const std::string& ns, const json& approval) override {
    if (writeError) return *writeError;
    approvals.push_back({token, ns, "", approval});
    return approval["metadata"]["generateName"].get<std::string>() + "x7k2q";
  }
  Status patchRelease(const std::string& token, const std::string& ns, const std::string& name, const json& patch) override {
    if (writeError) return *writeError;
    if (!releases.count(ns + "/" + name)) return apiError(404, ErrorCode::NotFound, "modelreleases.aviary.dev \"" + name + "\" not found");
    patches.push_back({token, ns, name, patch});
    return okStatus();
  }

  static Error apiError(int status, ErrorCode code, std::string message) {
    Error error = makeError(code, std::move(message));
    error.httpStatus = status;
    return error;
  }
};

class ReleaseApiTest : public ::testing::Test {
 protected:
  ReleaseApiTest() : logger_(log_, clock_), api_(tokens_, access_, store_, logger_, [] { return std::string("api-0001"); }, "") {
    tokens_.users["alice-token"] = {"alice", {"release-managers", "system:authenticated"}};
    tokens_.users["bob-token"] = {"bob", {"system:authenticated"}};
    access_.grants = {"alice approve ml/fraud", "alice patch ml/fraud"};
    store_.releases["ml/fraud"] = aviary::testing::releaseAwaitingApproval();
  }

  HttpResponse call(ReleaseAction action, const std::string& token, const std::string& body = "",
                    const std::string& name = "fraud", const std::string& ns = "ml") {
    return callAs(api_, action, token.empty() ? "" : "Bearer " + token, body, name, ns);
  }
  static HttpResponse callAs(ReleaseApi& api, ReleaseAction action, const std::string& authorization,
                             const std::string& body, const std::string& name, const std::string& ns) {
    HttpRequest request;
    request.method = "POST";
    request.pathParams = {{"namespace", ns}, {"name", name}};
    if (!authorization.empty()) request.headers["Authorization"] = authorization;
    request.body = body;
    return api.handle(action, request);
  }
  static json bodyOf(const HttpResponse& response) { return json::parse(response.body); }
  static std::string errorOf(const HttpResponse& response) { return bodyOf(response).value("error", ""); }

  std::ostringstream log_;
  ManualClock clock_;
  runtime::Logger logger_;
  FakeTokens tokens_;
  FakeAccess access_;
  FakeStore store_;
  ReleaseApi api_;
};

TEST_F(ReleaseApiTest, ApproveCreatesTheApprovalAsTheCallerWithTheReviewedIdentity) {
  auto response = call(ReleaseAction::Approve, "alice-token", R"({"comment": "metrics look good"})");
  ASSERT_EQ(response.status, 202) << response.body;
  EXPECT_EQ(response.contentType, "application/json");
  EXPECT_EQ(bodyOf(response), json({{"kind", "ReleaseApproval"}, {"name", "fraud-approve-x7k2q"}, {"namespace", "ml"},
                                    {"release", "fraud"}, {"decision", "approve"}, {"approvedBy", "alice"},
                                    {"revision", 4}, {"step", 1}}));
  ASSERT_EQ(store_.approvals.size(), 1u);
  const auto& write = store_.approvals[0];
  EXPECT_EQ(write.token, "alice-token") << "the write is made with the caller's token, not the operator's";
  EXPECT_EQ(write.namespace_, "ml");
  EXPECT_EQ(write.object["spec"], json({{"release", "fraud"}, {"decision", "approve"}, {"approvedBy", "alice"},
                                        {"groups", {"release-managers", "system:authenticated"}},
                                        {"comment", "metrics look good"}, {"revision", 4}, {"step", 1}}));
  ASSERT_EQ(access_.asked.size(), 1u);
  EXPECT_EQ(access_.asked[0].verb, "approve");
  EXPECT_EQ(access_.asked[0].namespace_, "ml");
  EXPECT_EQ(access_.asked[0].release, "fraud");
}

TEST_F(ReleaseApiTest, RejectNeedsTheApproveVerbToo) {
  auto response = call(ReleaseAction::Reject, "alice-token");
  ASSERT_EQ(response.status, 202) << response.body;
  EXPECT_EQ(bodyOf(response)["decision"], "reject");
  ASSERT_EQ(store_.approvals.size(), 1u);
  EXPECT_EQ(store_.approvals[0].object["spec"]["decision"], "reject");
  EXPECT_FALSE(store_.approvals[0].object["spec"].contains("comment"));
  EXPECT_EQ(access_.asked.at(0).verb, "approve");
}

TEST_F(ReleaseApiTest, PromoteAndAbortWriteTheRequestAnnotationsAsTheCaller) {
  struct Case {
    ReleaseAction action;
    const char* body;
    const char* request;
  };
  for (const Case& c : {Case{ReleaseAction::Promote, "", "promote"}, Case{ReleaseAction::Promote, R"({"full": true})", "promote-full"},
                        Case{ReleaseAction::Promote, R"({"full": false})", "promote"}, Case{ReleaseAction::Abort, "{}", "abort"},
                        Case{ReleaseAction::Retry, "", "retry"}}) {
    store_.patches.clear();
    auto response = call(c.action, "alice-token", c.body);
    ASSERT_EQ(response.status, 202) << c.request << ": " << response.body;
    EXPECT_EQ(bodyOf(response), json({{"request", c.request},
                                      {"requestId", "api-0001"},
                                      {"requestedBy", "alice"},
                                      {"namespace", "ml"},
                                      {"release", "fraud"}}));
    ASSERT_EQ(store_.patches.size(), 1u);
    EXPECT_EQ(store_.patches[0].token, "alice-token");
    // The reviewed user names themself as the requester; the admission policy checks it against the token.
    EXPECT_EQ(store_.patches[0].object,
              json({{"metadata",
                     {{"annotations",
                       {{"aviary.dev/request", c.request}, {"aviary.dev/request-id", "api-0001"}, {"aviary.dev/requested-by", "alice"}}}}}}));
    EXPECT_EQ(access_.asked.back().verb, "patch");
  }
}

TEST_F(ReleaseApiTest, MissingOrForeignAuthorizationIs401WithoutAReview) {
  for (const std::string& authorization : {std::string(), std::string("Basic YWxpY2U6cHc="), std::string("Bearer "),
                                           std::string("Bearer    ")}) {
    auto response = callAs(api_, ReleaseAction::Approve, authorization, "", "fraud", "ml");
    EXPECT_EQ(response.status, 401) << authorization;
    EXPECT_NE(errorOf(response).find("missing bearer token"), std::string::npos) << response.body;
    EXPECT_EQ(response.headers["WWW-Authenticate"], "Bearer realm=\"aviary\"");
  }
  EXPECT_TRUE(tokens_.seen.empty());
  EXPECT_TRUE(store_.approvals.empty());
}

TEST_F(ReleaseApiTest, ATokenTheApiServerRefusesIs401WithItsReason) {
  auto response = call(ReleaseAction::Promote, "garbage");
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(errorOf(response), "invalid bearer token: token has expired");
  EXPECT_TRUE(access_.asked.empty());
  EXPECT_TRUE(store_.patches.empty());
}

TEST_F(ReleaseApiTest, TheBearerSchemeIsCaseInsensitiveAndTheTokenTrimmed) {
  auto response = callAs(api_, ReleaseAction::Promote, "bearer  alice-token ", "", "fraud", "ml");
  EXPECT_EQ(response.status, 202) << response.body;
  EXPECT_EQ(tokens_.seen, std::vector<std::string>{"alice-token"});
}

TEST_F(ReleaseApiTest, AUserWithoutTheRightIs403WithTheReason) {
  for (auto action : {ReleaseAction::Approve, ReleaseAction::Reject, ReleaseAction::Promote, ReleaseAction::Abort}) {
    auto response = call(action, "bob-token");
    EXPECT_EQ(response.status, 403) << response.body;
    EXPECT_NE(errorOf(response).find("bob may not"), std::string::npos) << response.body;
    EXPECT_NE(errorOf(response).find("modelreleases/fraud in namespace ml: no RBAC policy matched"), std::string::npos)
        << response.body;
  }
  EXPECT_TRUE(store_.approvals.empty());
  EXPECT_TRUE(store_.patches.empty());
}

TEST_F(ReleaseApiTest, ApproveRightDoesNotGrantPromote) {
  access_.grants = {"alice approve ml/fraud"};
  EXPECT_EQ(call(ReleaseAction::Promote, "alice-token").status, 403);
  EXPECT_EQ(call(ReleaseAction::Approve, "alice-token").status, 202);
}

TEST_F(ReleaseApiTest, AnUnknownReleaseIs404AfterAuthorization) {
  access_.grants.insert("alice approve ml/ghost");
  access_.grants.insert("alice patch ml/ghost");
  auto approve = call(ReleaseAction::Approve, "alice-token", "", "ghost");
  EXPECT_EQ(approve.status, 404) << approve.body;
  EXPECT_EQ(errorOf(approve), "modelrelease ml/ghost not found");
  auto promote = call(ReleaseAction::Promote, "alice-token", "", "ghost");
  EXPECT_EQ(promote.status, 404) << promote.body;
  EXPECT_NE(errorOf(promote).find("not found"), std::string::npos);
  // Without the right, existence is not revealed.
  EXPECT_EQ(call(ReleaseAction::Approve, "bob-token", "", "ghost").status, 403);
}

TEST_F(ReleaseApiTest, AReleaseOutsideTheOperatorsNamespaceIs404) {
  ReleaseApi scoped(tokens_, access_, store_, logger_, [] { return std::string("api-0002"); }, "ml");
  access_.grants.insert("alice approve other/fraud");
  store_.releases["other/fraud"] = aviary::testing::releaseAwaitingApproval();
  auto response = callAs(scoped, ReleaseAction::Approve, "Bearer alice-token", "", "fraud", "other");
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(errorOf(response), "modelrelease other/fraud not found: this operator serves namespace ml only");
  EXPECT_EQ(callAs(scoped, ReleaseAction::Approve, "Bearer alice-token", "", "fraud", "ml").status, 202);
}

TEST_F(ReleaseApiTest, ApprovingAReleaseThatIsNotWaitingIs409) {
  store_.releases["ml/fraud"].status.phase = api::Phase::Paused;
  auto response = call(ReleaseAction::Approve, "alice-token");
  EXPECT_EQ(response.status, 409);
  EXPECT_EQ(errorOf(response), "modelrelease ml/fraud is not waiting for an approval (phase Paused)");
  EXPECT_TRUE(store_.approvals.empty());
}

TEST_F(ReleaseApiTest, TheStepsOwnApproversNarrowRbac) {
  store_.releases["ml/fraud"].spec.strategy.canary->steps[1].approval = api::ApprovalStep{{"release-managers"}, {}};
  access_.grants.insert("carol approve ml/fraud");
  tokens_.users["carol-token"] = {"carol", {"data-scientists"}};
  auto carol = call(ReleaseAction::Approve, "carol-token");
  EXPECT_EQ(carol.status, 403);
  EXPECT_EQ(errorOf(carol), "carol is not among the step's approvers (users or groups)");
  EXPECT_EQ(call(ReleaseAction::Approve, "alice-token").status, 202) << "alice is in release-managers";
}

TEST_F(ReleaseApiTest, TheApiServersRefusalOfTheWriteIsRelayed) {
  struct Case {
    int status;
    ErrorCode code;
  };
  for (const Case& c : {Case{403, ErrorCode::Forbidden}, Case{404, ErrorCode::NotFound}, Case{409, ErrorCode::Conflict},
                        Case{422, ErrorCode::Invalid}}) {
    store_.writeError = FakeStore::apiError(c.status, c.code, "POST releaseapprovals: refused by the API server");
    auto approve = call(ReleaseAction::Approve, "alice-token");
    EXPECT_EQ(approve.status, c.status);
    EXPECT_EQ(errorOf(approve), "POST releaseapprovals: refused by the API server");
    EXPECT_EQ(call(ReleaseAction::Abort, "alice-token").status, c.status);
  }
  store_.writeError = FakeStore::apiError(500, ErrorCode::Unavailable, "etcdserver: leader changed");
  EXPECT_EQ(call(ReleaseAction::Approve, "alice-token").status, 503);
  store_.writeError = makeError(ErrorCode::Unavailable, "connection refused");
  EXPECT_EQ(call(ReleaseAction::Promote, "alice-token").status, 503);
}

TEST_F(ReleaseApiTest, ReviewAndReadOutagesAre503NotAVerdict) {
  tokens_.outage = FakeStore::apiError(403, ErrorCode::Forbidden, "tokenreviews is forbidden for the operator");
  auto noTokenReview = call(ReleaseAction::Approve, "alice-token");
  EXPECT_EQ(noTokenReview.status, 503);
  EXPECT_EQ(errorOf(noTokenReview), "cannot authenticate the caller: tokenreviews is forbidden for the operator");
  tokens_.outage.reset();

  access_.outage = makeError(ErrorCode::Unavailable, "connection refused");
  EXPECT_EQ(call(ReleaseAction::Approve, "alice-token").status, 503);
  access_.outage.reset();

  store_.readError = makeError(ErrorCode::Timeout, "GET modelreleases: timed out");
  auto noRead = call(ReleaseAction::Approve, "alice-token");
  EXPECT_EQ(noRead.status, 503);
  EXPECT_EQ(errorOf(noRead), "cannot read the release: GET modelreleases: timed out");
  EXPECT_TRUE(store_.approvals.empty());
}

TEST_F(ReleaseApiTest, ABadBodyIs400) {
  struct Case {
    ReleaseAction action;
    const char* body;
    const char* error;
  };
  const Case cases[] = {
      {ReleaseAction::Approve, "not json", "the body must be a JSON object"},
      {ReleaseAction::Approve, "[1]", "the body must be a JSON object"},
      {ReleaseAction::Approve, R"({"comment": 3})", "\"comment\" must be a string"},
      {ReleaseAction::Approve, R"({"comentt": "x"})", "unknown field \"comentt\" in the body (known: comment)"},
      {ReleaseAction::Promote, R"({"ful": true})", "unknown field \"ful\" in the body (known: full)"},
      {ReleaseAction::Promote, R"({"full": "yes"})", "\"full\" must be true or false"},
      {ReleaseAction::Abort, R"({"full": true})", "unknown field \"full\" in the body (this action takes none)"},
  };
  for (const auto& c : cases) {
    auto response = call(c.action, "alice-token", c.body);
    EXPECT_EQ(response.status, 400) << c.body;
    EXPECT_EQ(errorOf(response), c.error) << c.body;
  }
  EXPECT_TRUE(store_.approvals.empty());
  EXPECT_TRUE(store_.patches.empty());
  EXPECT_EQ(call(ReleaseAction::Approve, "alice-token", " \n").status, 202) << "blank is no body";
}

TEST_F(ReleaseApiTest, EachRequestIsLoggedWithReleaseUserAndOutcomeButNeverTheToken) {
  call(ReleaseAction::Approve, "alice-token");
  call(ReleaseAction::Promote, "bob-token");
  std::vector<json> lines;
  std::istringstream in(log_.str());
  for (std::string line; std::getline(in, line);) lines.push_back(json::parse(line));
  ASSERT_EQ(lines.size(), 2u) << log_.str();
  EXPECT_EQ(lines[0]["release"], "ml/fraud");
  EXPECT_EQ(lines[0]["action"], "approve");
  EXPECT_EQ(lines[0]["user"], "alice");
  EXPECT_EQ(lines[0]["status"], 202);
  EXPECT_EQ(lines[1]["level"], "warn");
  EXPECT_EQ(lines[1]["status"], 403);
  EXPECT_NE(lines[1]["error"].get<std::string>().find("bob may not patch"), std::string::npos);
  EXPECT_EQ(log_.str().find("-token"), std::string::npos) << "tokens stay out of the log";
}

TEST_F(ReleaseApiTest, RoutesServeTheFourActionsAndOnlyPost) {
  HttpServer server;
  api_.install(server);
  ASSERT_TRUE(server.start("127.0.0.1:0").ok());
  testing::Client client;
  const std::string base = "http://127.0.0.1:" + std::to_string(server.port()) + "/api/v1/namespaces/ml/modelreleases/fraud/";
  const std::map<std::string, std::string> alice = {{"Authorization", "Bearer alice-token"}};
  EXPECT_EQ(client.call("POST", base + "approve", "", alice).status, 202);
  EXPECT_EQ(client.call("POST", base + "reject", "", alice).status, 202);
  EXPECT_EQ(client.call("POST", base + "promote", R"({"full":true})", alice).status, 202);
  auto abort = client.call("POST", base + "abort", "", alice);
  EXPECT_EQ(abort.status, 202);
  EXPECT_EQ(abort.headers["content-type"], "application/json");
  EXPECT_EQ(client.call("POST", base + "approve").status, 401);
  EXPECT_EQ(client.call("GET", base + "approve", "", alice).status, 405);
  EXPECT_EQ(client.call("POST", base + "rollback", "", alice).status, 404);
  EXPECT_EQ(store_.approvals.size(), 2u);
  EXPECT_EQ(store_.patches.size(), 2u);
  EXPECT_EQ(store_.patches[0].name, "fraud");
}

TEST(CallerConfig, KeepsTheServerAndTrustAndNothingOfTheOperatorsCredentials) {
  k8s::RestConfig operatorConfig;
  operatorConfig.server = "https://127.0.0.1:6443";
  operatorConfig.caData = "CA PEM";
  operatorConfig.clientCertData = "operator cert";
  operatorConfig.clientKeyData = "operator key";
  operatorConfig.token = "operator-token";
  operatorConfig.tokenFile = "/var/run/secrets/kubernetes.io/serviceaccount/token";
  operatorConfig.impersonateUser = "admin";
  operatorConfig.impersonateGroups = {"system:masters"};
  operatorConfig.defaultNamespace = "aviary-system";
  k8s::RestConfig caller = callerConfig(operatorConfig, "caller-token");
  EXPECT_EQ(caller.server, "https://127.0.0.1:6443");
  EXPECT_EQ(caller.caData, "CA PEM");
  EXPECT_FALSE(caller.insecureSkipTlsVerify);
  EXPECT_EQ(caller.token, "caller-token");
  EXPECT_TRUE(caller.clientCertData.empty());
  EXPECT_TRUE(caller.clientKeyData.empty());
  EXPECT_TRUE(caller.tokenFile.empty());
  EXPECT_TRUE(caller.impersonateUser.empty());
  EXPECT_TRUE(caller.impersonateGroups.empty());
  EXPECT_TRUE(caller.defaultNamespace.empty());
}

TEST(RequestPatch, NamesTheRequesterOrRemovesAStaleName) {
  EXPECT_EQ(requestPatch("promote-full", "id-1", "bob"),
            json::parse(R"({"metadata":{"annotations":{"aviary.dev/request":"promote-full","aviary.dev/request-id":"id-1",)"
                        R"("aviary.dev/requested-by":"bob"}}})"));
  // No verified name: null deletes whatever name an earlier request left, so the request is unverified.
  EXPECT_EQ(requestPatch("abort", "id-2", ""),
            json::parse(R"({"metadata":{"annotations":{"aviary.dev/request":"abort","aviary.dev/request-id":"id-2",)"
                        R"("aviary.dev/requested-by":null}}})"));
}

TEST(RandomRequestIds, AreDistinctAndShaped) {
  auto next = randomRequestIds();
  std::set<std::string> ids;
  for (int i = 0; i < 100; ++i) ids.insert(next());
  EXPECT_EQ(ids.size(), 100u);
  for (const auto& id : ids) EXPECT_TRUE(id.starts_with("api-") && id.size() == 20) << id;
}

}  // namespace
}  // namespace aviary::server
