// KubeClient over a scripted transport: the request each call makes, the retry policy, watch framing
// end to end, listAll paging. The real server is exercised in tests/integration/k8s.

#include <gtest/gtest.h>

#include <deque>
#include <mutex>

#include "aviary/k8s/kube_client.h"

namespace aviary::k8s {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

struct Script {
  std::vector<HttpRequest> requests;
  std::deque<Result<HttpResponse>> answers;
  std::vector<std::string> streamChunks;  // body of a 2xx stream, delivered piece by piece
};

class ScriptedTransport final : public HttpTransport {
 public:
  explicit ScriptedTransport(Script& script) : script_(script) {}

  Result<HttpResponse> perform(const HttpRequest& request) override {
    script_.requests.push_back(request);
    if (script_.answers.empty()) return makeError(ErrorCode::Internal, "script ran out of answers");
    auto answer = std::move(script_.answers.front());
    script_.answers.pop_front();
    return answer;
  }

  Result<HttpResponse> stream(const HttpRequest& request, const ChunkHandler& onChunk,
                              const std::atomic<bool>& stop) override {
    auto answer = perform(request);
    if (!answer || answer->status >= 300) return answer;
    for (const auto& chunk : script_.streamChunks) {
      if (stop.load() || !onChunk(chunk)) break;
    }
    return answer;
  }

 private:
  Script& script_;
};

HttpResponse reply(long status, const Json& body, std::map<std::string, std::string> headers = {}) {
  return HttpResponse{status, std::move(headers), body.dump()};
}

Json statusBody(int code, const std::string& reason, const std::string& message) {
  return {{"kind", "Status"}, {"apiVersion", "v1"}, {"code", code}, {"reason", reason}, {"message", message}};
}

class KubeClientTest : public ::testing::Test {
 protected:
  ClientPtr client(double qps = 0, int burst = 1) {
    ClientOptions options;
    options.qps = qps;
    options.burst = burst;
    options.onRequest = [this](const std::string& verb, long code) { observed.emplace_back(verb, code); };
    KubeClientDeps deps{std::make_unique<ScriptedTransport>(script), &clock, [this](Duration d) {
                          slept.push_back(d);
                          clock.advance(d);
                        }};
    return makeKubeClient(std::move(deps), options);
  }

  std::string header(size_t request, const std::string& name) const {
    for (const auto& [key, value] : script.requests.at(request).headers) {
      if (key == name) return value;
    }
    return "";
  }

  Script script;
  ManualClock clock;
  std::vector<Duration> slept;
  std::vector<std::pair<std::string, long>> observed;  // what onRequest was told
};

TEST_F(KubeClientTest, GetReturnsTheObjectAndMapsNotFound) {
  script.answers.push_back(reply(200, {{"metadata", {{"name", "a"}}}}));
  script.answers.push_back(reply(404, statusBody(404, "NotFound", "configmaps \"b\" not found")));
  auto c = client();
  auto found = c->get(resources::kConfigMaps, "ml", "a");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ((*found)["metadata"]["name"], "a");
  auto missing = c->get(resources::kConfigMaps, "ml", "b");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::NotFound);
  EXPECT_EQ(missing.error().message, "GET /api/v1/namespaces/ml/configmaps/b: configmaps \"b\" not found");
  EXPECT_EQ(script.requests[1].method, "GET");
}

TEST_F(KubeClientTest, ListFillsTypeMetaAndReturnsTheContinueToken) {
  script.answers.push_back(reply(200, {{"kind", "ConfigMapList"},
                                       {"metadata", {{"resourceVersion", "77"}, {"continue", "next"}}},
                                       {"items", {{{"metadata", {{"name", "a"}}}}}}}));
  auto page = client()->list(resources::kConfigMaps, "ml", ListOptions{"app=x", "", 50, "", ""});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->resourceVersion, "77");
  EXPECT_EQ(page->continueToken, "next");
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0]["kind"], "ConfigMap");
  EXPECT_EQ(page->items[0]["apiVersion"], "v1");
  EXPECT_EQ(script.requests[0].pathAndQuery, "/api/v1/namespaces/ml/configmaps?labelSelector=app%3Dx&limit=50");
}

TEST_F(KubeClientTest, ListAllFollowsContinueTokensAndRestartsUnpagedWhenOneExpires) {
  auto page = [](const char* name, const char* next, const char* rv) {
    return reply(200, {{"metadata", {{"resourceVersion", rv}, {"continue", next}}}, {"items", {{{"metadata", {{"name", name}}}}}}});
  };
  script.answers.push_back(page("a", "t1", "10"));
  script.answers.push_back(page("b", "t2", "10"));
  script.answers.push_back(reply(410, statusBody(410, "Expired", "continue token expired")));
  script.answers.push_back(reply(200, {{"metadata", {{"resourceVersion", "20"}}},
                                       {"items", {{{"metadata", {{"name", "a"}}}}, {{"metadata", {{"name", "c"}}}}}}}));
  auto c = client();
  auto all = listAll(*c, resources::kConfigMaps, "ml", ListOptions{"", "", 1, "", ""});
  ASSERT_TRUE(all.ok()) << all.error().describe();
  ASSERT_EQ(all->items.size(), 2u);
  EXPECT_EQ(all->items[1]["metadata"]["name"], "c");
  EXPECT_EQ(all->resourceVersion, "20");
  ASSERT_EQ(script.requests.size(), 4u);
  EXPECT_EQ(script.requests[1].pathAndQuery, "/api/v1/namespaces/ml/configmaps?limit=1&continue=t1");
  EXPECT_EQ(script.requests[3].pathAndQuery, "/api/v1/namespaces/ml/configmaps");
}

TEST_F(KubeClientTest, WritesSendTheRightVerbBodyAndContentType) {
  for (int i = 0; i < 7; ++i) script.answers.push_back(reply(200, {{"kind", "X"}}));
  auto c = client();
  Json cm = {{"metadata", {{"name", "a"}, {"namespace", "ml"}, {"resourceVersion", "5"}}}, {"data", {{"k", "v"}}}};
  ASSERT_TRUE(c->create(resources::kConfigMaps, "", cm).ok());
  ASSERT_TRUE(c->update(resources::kConfigMaps, "ml", cm).ok());
  ASSERT_TRUE(c->updateStatus(resources::kModelReleases, "ml", cm).ok());
  ASSERT_TRUE(c->patch(resources::kModelReleases, "ml", "a", PatchType::Merge, {{"status", {}}}, "status").ok());
  ASSERT_TRUE(c->patch(resources::kDeployments, "ml", "a", PatchType::StrategicMerge, {{"spec", {}}}).ok());
  DeleteOptions del;
  del.preconditionUid = "u-1";
  del.propagationPolicy = "Foreground";
  ASSERT_TRUE(c->remove(resources::kConfigMaps, "ml", "a", del).ok());
  ASSERT_TRUE(c->review(resources::kTokenReviews, {{"spec", {{"token", "t"}}}}).ok());

  const auto& r = script.requests;
  EXPECT_EQ(r[0].method, "POST");
  EXPECT_EQ(r[0].pathAndQuery, "/api/v1/namespaces/ml/configmaps");
  EXPECT_EQ(Json::parse(r[0].body)["kind"], "ConfigMap");
  EXPECT_EQ(header(0, "Content-Type"), "application/json");
  EXPECT_EQ(r[1].method, "PUT");
  EXPECT_EQ(r[1].pathAndQuery, "/api/v1/namespaces/ml/configmaps/a");
  EXPECT_EQ(Json::parse(r[1].body)["metadata"]["resourceVersion"], "5");
  EXPECT_EQ(r[2].pathAndQuery, "/apis/aviary.dev/v1alpha1/namespaces/ml/modelreleases/a/status");
  EXPECT_EQ(Json::parse(r[2].body)["apiVersion"], "aviary.dev/v1alpha1");
  EXPECT_EQ(r[3].method, "PATCH");
  EXPECT_EQ(r[3].pathAndQuery, "/apis/aviary.dev/v1alpha1/namespaces/ml/modelreleases/a/status");
  EXPECT_EQ(header(3, "Content-Type"), "application/merge-patch+json");
  EXPECT_EQ(header(4, "Content-Type"), "application/strategic-merge-patch+json");
  EXPECT_EQ(r[5].method, "DELETE");
  EXPECT_EQ(Json::parse(r[5].body),
            Json::parse(R"({"apiVersion":"v1","kind":"DeleteOptions","propagationPolicy":"Foreground","preconditions":{"uid":"u-1"}})"));
  EXPECT_EQ(r[6].method, "POST");
  EXPECT_EQ(r[6].pathAndQuery, "/apis/authentication.k8s.io/v1/tokenreviews");
  EXPECT_EQ(Json::parse(r[6].body)["kind"], "TokenReview");
}

TEST_F(KubeClientTest, JsonPatchContentType) {
  script.answers.push_back(reply(200, Json::object()));
  Json ops = Json::array({{{"op", "replace"}, {"path", "/data/k"}, {"value", "v"}}});
  ASSERT_TRUE(client()->patch(resources::kConfigMaps, "ml", "a", PatchType::Json, ops).ok());
  EXPECT_EQ(header(0, "Content-Type"), "application/json-patch+json");
  EXPECT_EQ(Json::parse(script.requests[0].body), ops);
}

TEST_F(KubeClientTest, NamespacedWritesNeedANamespaceAndUpdatesAName) {
  auto c = client();
  auto noNs = c->create(resources::kConfigMaps, "", {{"metadata", {{"name", "a"}}}});
  ASSERT_FALSE(noNs.ok());
  EXPECT_EQ(noNs.error().code, ErrorCode::InvalidSpec);
  auto noName = c->update(resources::kConfigMaps, "ml", {{"metadata", Json::object()}});
  ASSERT_FALSE(noName.ok());
  EXPECT_EQ(noName.error().code, ErrorCode::InvalidSpec);
  EXPECT_TRUE(script.requests.empty());
}

TEST_F(KubeClientTest, TooManyRequestsIsRetriedHonouringBoundedRetryAfter) {
  script.answers.push_back(reply(429, statusBody(429, "TooManyRequests", "slow"), {{"retry-after", "2"}}));
  script.answers.push_back(reply(429, statusBody(429, "TooManyRequests", "slow"), {{"retry-after", "3600"}}));
  script.answers.push_back(reply(201, {{"metadata", {{"name", "a"}}}}));
  auto created = client()->create(resources::kConfigMaps, "ml", {{"metadata", {{"name", "a"}}}});
  ASSERT_TRUE(created.ok()) << created.error().describe();
  EXPECT_EQ(slept, (std::vector<Duration>{seconds(2), kMaxRetryAfter}));
}

TEST_F(KubeClientTest, TooManyRequestsGivesUpAfterThreeTriesWithRetryAfter) {
  for (int i = 0; i < 3; ++i) {
    script.answers.push_back(reply(429, statusBody(429, "TooManyRequests", "slow"), {{"retry-after", "1"}}));
  }
  auto result = client()->get(resources::kConfigMaps, "ml", "a");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::TooManyRequests);
  EXPECT_EQ(result.error().retryAfterSeconds, 1);
  EXPECT_EQ(script.requests.size(), 3u);
}

TEST_F(KubeClientTest, GetRetriesConnectionFailuresWithBackoff) {
  script.answers.push_back(makeError(ErrorCode::Unavailable, "connection refused"));
  script.answers.push_back(reply(503, statusBody(503, "ServiceUnavailable", "starting")));
  script.answers.push_back(reply(200, {{"metadata", {{"name", "a"}}}}));
  ASSERT_TRUE(client()->get(resources::kConfigMaps, "ml", "a").ok());
  EXPECT_EQ(slept, (std::vector<Duration>{milliseconds(200), milliseconds(400)}));
}

TEST_F(KubeClientTest, WritesAreNotRetriedOnConnectionFailures) {
  script.answers.push_back(makeError(ErrorCode::Unavailable, "connection reset"));
  auto result = client()->create(resources::kConfigMaps, "ml", {{"metadata", {{"name", "a"}}}});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::Unavailable);
  EXPECT_EQ(script.requests.size(), 1u);
  EXPECT_TRUE(slept.empty());
}

TEST_F(KubeClientTest, EveryAnswerAndEveryRetryIsObservedWithTheServersVerb) {
  script.answers.push_back(makeError(ErrorCode::Unavailable, "connection refused"));
  script.answers.push_back(reply(503, statusBody(503, "ServiceUnavailable", "starting")));
  script.answers.push_back(reply(200, {{"metadata", {{"name", "a"}}}}));
  script.answers.push_back(reply(200, {{"items", Json::array()}}));
  script.answers.push_back(reply(409, statusBody(409, "AlreadyExists", "exists")));
  script.answers.push_back(reply(200, nullptr));
  auto c = client();
  ASSERT_TRUE(c->get(resources::kConfigMaps, "ml", "a").ok());
  ASSERT_TRUE(c->list(resources::kConfigMaps, "ml", {}).ok());
  ASSERT_FALSE(c->create(resources::kConfigMaps, "ml", {{"metadata", {{"name", "a"}}}}).ok());
  std::atomic<bool> stop{false};
  ASSERT_TRUE(c->watch(resources::kConfigMaps, "ml", {}, [](const WatchEvent&) {}, stop).ok());
  using Seen = std::vector<std::pair<std::string, long>>;
  EXPECT_EQ(observed, (Seen{{"GET", 0}, {"GET", 503}, {"GET", 200}, {"LIST", 200}, {"POST", 409}, {"WATCH", 200}}));
  EXPECT_EQ(script.requests[3].method, "GET");  // a LIST is a GET on the wire
}

TEST_F(KubeClientTest, RateLimitWaitsBetweenRequests) {
  for (int i = 0; i < 3; ++i) script.answers.push_back(reply(200, Json::object()));
  auto c = client(/*qps=*/5, /*burst=*/1);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(c->get(resources::kConfigMaps, "ml", "a").ok());
  EXPECT_EQ(slept, (std::vector<Duration>{milliseconds(200), milliseconds(200)}));
}

TEST_F(KubeClientTest, WatchDeliversEventsAcrossChunksAndEndsOk) {
  script.answers.push_back(reply(200, nullptr));
  script.streamChunks = {"{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"a\"}}}\n{\"type\":\"MODI",
                         "FIED\",\"object\":{\"metadata\":{\"name\":\"a\"}}}\n",
                         "{\"type\":\"BOOKMARK\",\"object\":{\"metadata\":{\"resourceVersion\":\"42\"}}}\n"};
  std::vector<WatchEvent::Type> types;
  std::atomic<bool> stop{false};
  WatchOptions options;
  options.resourceVersion = "7";
  auto status = client()->watch(resources::kConfigMaps, "ml", options,
                                [&](const WatchEvent& event) { types.push_back(event.type); }, stop);
  ASSERT_TRUE(status.ok()) << status.error().describe();
  EXPECT_EQ(types, (std::vector<WatchEvent::Type>{WatchEvent::Type::Added, WatchEvent::Type::Modified,
                                                  WatchEvent::Type::Bookmark}));
  EXPECT_EQ(script.requests[0].pathAndQuery,
            "/api/v1/namespaces/ml/configmaps?watch=1&allowWatchBookmarks=true&resourceVersion=7&timeoutSeconds=300");
  EXPECT_EQ(script.requests[0].timeout, milliseconds(330000));
}

TEST_F(KubeClientTest, WatchErrorEventWith410IsGone) {
  script.answers.push_back(reply(200, nullptr));
  script.streamChunks = {
      "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"code\":410,\"reason\":\"Expired\",\"message\":\"too old resource version: 1 (99)\"}}\n",
      "{\"type\":\"ADDED\",\"object\":{}}\n"};
  int events = 0;
  std::atomic<bool> stop{false};
  auto status = client()->watch(resources::kConfigMaps, "ml", {}, [&](const WatchEvent&) { ++events; }, stop);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::Gone);
  EXPECT_NE(status.error().message.find("too old resource version"), std::string::npos);
  EXPECT_EQ(events, 0);
}

TEST_F(KubeClientTest, WatchRefusedByTheServerIsMapped) {
  script.answers.push_back(reply(403, statusBody(403, "Forbidden", "configmaps is forbidden: User \"x\" cannot watch")));
  std::atomic<bool> stop{false};
  auto status = client()->watch(resources::kConfigMaps, "ml", {}, [](const WatchEvent&) {}, stop);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::Forbidden);
  EXPECT_NE(status.error().message.find("cannot watch"), std::string::npos);
}

TEST_F(KubeClientTest, WatchWithAGarbledLineIsAParseError) {
  script.answers.push_back(reply(200, nullptr));
  script.streamChunks = {"{\"type\":\"ADDED\",\"object\":{}}\n<html>\n"};
  std::atomic<bool> stop{false};
  auto status = client()->watch(resources::kConfigMaps, "ml", {}, [](const WatchEvent&) {}, stop);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::ParseError);
}

}  // namespace
}  // namespace aviary::k8s
