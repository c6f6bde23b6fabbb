#include "aviary/notify/webhook_notifier.h"

#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "aviary/notify/payload.h"
#include "unit/k8s/loopback_server.h"

namespace aviary::notify {
namespace {

using aviary::testing::LoopbackServer;
using std::chrono::milliseconds;
using std::chrono::seconds;

std::string reply(int status, const std::string& body = "ok") {
  return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n\r\n" + body;
}

std::string bodyOf(const std::string& request) { return request.substr(request.find("\r\n\r\n") + 4); }

api::NotificationSpec webhook(const std::string& name, const std::string& url,
                              api::NotificationFormat format = api::NotificationFormat::Generic) {
  return {name, format, url, std::nullopt};
}

api::NotificationSpec secretWebhook(const std::string& name) {
  return {name, api::NotificationFormat::Slack, std::nullopt, api::SecretKeyRef{"hooks", "url"}};
}

ReleaseNotification change(api::Phase phase) {
  ReleaseNotification n;
  n.namespace_ = "ml";
  n.release = "fraud";
  n.version = "8";
  n.phase = phase;
  n.previousPhase = api::Phase::Progressing;
  return n;
}

class WebhookNotifierTest : public ::testing::Test {
 protected:
  WebhookNotifierOptions options() {
    WebhookNotifierOptions o;
    o.deliveryThread = false;
    o.timeout = milliseconds(2000);
    return o;
  }

  std::unique_ptr<WebhookNotifier> make(WebhookNotifierOptions o) {
    return std::make_unique<WebhookNotifier>(clock_, logger_, registry_, secrets_, std::move(o));
  }

  // The value of aviary_notifications_total{format, result}, 0 when the series does not exist.
  double counted(const std::string& format, const std::string& result) {
    const std::string series = std::string(kNotificationsMetric) + "{format=\"" + format + "\",result=\"" + result + "\"} ";
    const std::string text = registry_.render();
    auto at = text.find(series);
    return at == std::string::npos ? 0 : std::stod(text.substr(at + series.size()));
  }

  ManualClock clock_;
  std::ostringstream logs_;
  runtime::Logger logger_{logs_, clock_, runtime::LogLevel::Debug};
  telemetry::MetricsRegistry registry_;
  std::string secretValue_;
  SecretUrlReader secrets_ = [this](const std::string& ns, const api::SecretKeyRef& ref) -> Result<std::string> {
    if (ns != "ml" || ref.name != "hooks" || ref.key != "url") return makeError(ErrorCode::NotFound, "Secret ml/hooks not found");
    return secretValue_;
  };
};

TEST_F(WebhookNotifierTest, EgressPolicyRefusesWithoutRetryingOrSending) {
  LoopbackServer server({reply(200), reply(200)});
  EgressPolicyConfig config;
  config.loopback = LoopbackEgress::Deny;
  const auto policy = *EgressPolicy::make(config);
  auto o = options();
  o.egress = &policy;
  auto notifier = make(o);
  notifier->notify(change(api::Phase::Promoted), {webhook("audit", server.url() + "/hook")});
  EXPECT_EQ(notifier->deliverDue(), 1u);
  EXPECT_EQ(notifier->pending(), 0u) << "a refused URL is not retried";
  EXPECT_TRUE(server.requests().empty());
  EXPECT_EQ(counted("generic", "failed"), 1);
  EXPECT_NE(logs_.str().find("egress policy denies 127.0.0.1"), std::string::npos) << logs_.str();
}

TEST_F(WebhookNotifierTest, PostsTheFormatsBodyAsJsonAndCountsItSent) {
  LoopbackServer server({reply(200)});
  auto notifier = make(options());
  const auto n = change(api::Phase::Promoted);
  notifier->notify(n, {webhook("audit", server.url() + "/hook")});
  EXPECT_EQ(notifier->pending(), 1u) << "notify() only queues";
  EXPECT_EQ(notifier->deliverDue(), 1u);
  ASSERT_EQ(server.requests().size(), 1u);
  const std::string request = server.requests()[0];
  EXPECT_EQ(request.rfind("POST /hook HTTP/1.1\r\n", 0), 0u) << request;
  EXPECT_NE(request.find("Content-Type: application/json\r\n"), std::string::npos);
  EXPECT_EQ(bodyOf(request), payloadBody(api::NotificationFormat::Generic, n));
  EXPECT_EQ(notifier->pending(), 0u);
  EXPECT_EQ(counted("generic", "sent"), 1);
}

TEST_F(WebhookNotifierTest, RetriesAFailingEndpointAfterTheBackoff) {
  LoopbackServer server({reply(503, "overloaded"), reply(200)});
  auto notifier = make(options());
  notifier->notify(change(api::Phase::Promoted), {webhook("audit", server.url())});
  EXPECT_EQ(notifier->deliverDue(), 1u);
  EXPECT_EQ(counted("generic", "retried"), 1);
  EXPECT_EQ(notifier->pending(), 1u);
  EXPECT_EQ(notifier->nextDue(), clock_.now() + seconds(1));
  EXPECT_EQ(notifier->deliverDue(), 0u) << "not before its time";
  clock_.advance(seconds(1));
  EXPECT_EQ(notifier->deliverDue(), 1u);
  EXPECT_EQ(server.requests().size(), 2u);
  EXPECT_EQ(counted("generic", "sent"), 1);
  EXPECT_EQ(notifier->pending(), 0u);
  EXPECT_NE(logs_.str().find(R"("error":"HTTP 503: overloaded")"), std::string::npos) << logs_.str();
}

TEST_F(WebhookNotifierTest, GivesUpAfterTheLastAttempt) {
  auto o = options();
  o.retry.maxAttempts = 3;
  auto notifier = make(o);
  const std::string url = "http://127.0.0.1:" + std::to_string(LoopbackServer::closedPort()) + "/services/T0/B0/s3cr3t";
  notifier->notify(change(api::Phase::RolledBack), {webhook("team", url, api::NotificationFormat::Slack)});
  for (int attempt = 0; attempt < 3; ++attempt) {
    ASSERT_EQ(notifier->deliverDue(), 1u) << attempt;
    if (auto next = notifier->nextDue()) clock_.set(*next);
  }
  EXPECT_EQ(notifier->pending(), 0u);
  EXPECT_EQ(counted("slack", "retried"), 2);
  EXPECT_EQ(counted("slack", "failed"), 1);
  EXPECT_EQ(logs_.str().find("s3cr3t"), std::string::npos) << "the URL is never logged: " << logs_.str();
  EXPECT_NE(logs_.str().find(R"("notification":"team")"), std::string::npos);
}

TEST_F(WebhookNotifierTest, DoesNotRetryAnAnswerThatWillNotChange) {
  LoopbackServer server({reply(404, "no_service")});
  auto notifier = make(options());
  notifier->notify(change(api::Phase::Promoted), {webhook("gone", server.url())});
  notifier->deliverDue();
  EXPECT_EQ(notifier->pending(), 0u);
  EXPECT_EQ(counted("generic", "failed"), 1);
  EXPECT_EQ(counted("generic", "retried"), 0);
}

TEST_F(WebhookNotifierTest, AWebhookGetsItsNotificationsInOrder) {
  LoopbackServer server({reply(500), reply(200), reply(200)});
  auto notifier = make(options());
  notifier->notify(change(api::Phase::RollingBack), {webhook("team", server.url())});
  notifier->notify(change(api::Phase::RolledBack), {webhook("team", server.url())});
  EXPECT_EQ(notifier->deliverDue(), 1u) << "the second waits behind the first";
  EXPECT_EQ(notifier->deliverDue(), 0u) << "still waiting while the first backs off";
  clock_.advance(seconds(1));
  EXPECT_EQ(notifier->deliverDue(), 1u);
  EXPECT_EQ(notifier->deliverDue(), 1u);
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(nlohmann::json::parse(bodyOf(requests[1]))["phase"], "RollingBack");
  EXPECT_EQ(nlohmann::json::parse(bodyOf(requests[2]))["phase"], "RolledBack");
}

TEST_F(WebhookNotifierTest, AFailingWebhookDoesNotHoldOthersBack) {
  LoopbackServer server({reply(200)});
  auto notifier = make(options());
  const std::string dead = "http://127.0.0.1:" + std::to_string(LoopbackServer::closedPort());
  notifier->notify(change(api::Phase::Promoted), {webhook("dead", dead), webhook("alive", server.url())});
  EXPECT_EQ(notifier->deliverDue(), 2u);
  EXPECT_EQ(counted("generic", "sent"), 1);
  EXPECT_EQ(notifier->pending(), 1u);
}

TEST_F(WebhookNotifierTest, ReadsTheUrlFromTheSecretInTheReleasesNamespace) {
  LoopbackServer server({reply(200)});
  secretValue_ = server.url() + "/services/T0/B0/s3cr3t\n";  // as `echo url | kubectl create secret` leaves it
  auto notifier = make(options());
  notifier->notify(change(api::Phase::Promoted), {secretWebhook("team")});
  notifier->deliverDue();
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].rfind("POST /services/T0/B0/s3cr3t HTTP/1.1", 0), 0u);
  EXPECT_TRUE(nlohmann::json::parse(bodyOf(server.requests()[0])).contains("attachments")) << "slack format";
  EXPECT_EQ(counted("slack", "sent"), 1);
  EXPECT_EQ(logs_.str().find("s3cr3t"), std::string::npos) << logs_.str();
}

TEST_F(WebhookNotifierTest, ASecretThatIsNoHttpUrlIsNeverFetched) {
  secretValue_ = "file:///etc/passwd";
  auto o = options();
  o.retry.maxAttempts = 1;
  auto notifier = make(o);
  notifier->notify(change(api::Phase::Promoted), {secretWebhook("team")});
  notifier->deliverDue();
  EXPECT_EQ(counted("slack", "failed"), 1);
  EXPECT_NE(logs_.str().find("does not hold an http:// or https:// URL"), std::string::npos) << logs_.str();
  EXPECT_EQ(logs_.str().find("/etc/passwd"), std::string::npos);
}

TEST_F(WebhookNotifierTest, AMissingSecretIsRetriedLikeAnUnreachableEndpoint) {
  auto notifier = make(options());
  auto n = change(api::Phase::Promoted);
  n.namespace_ = "elsewhere";
  notifier->notify(n, {secretWebhook("team")});
  notifier->deliverDue();
  EXPECT_EQ(counted("slack", "retried"), 1);
  EXPECT_NE(logs_.str().find("Secret ml/hooks not found"), std::string::npos);
}

TEST_F(WebhookNotifierTest, OperatorWideWebhooksHearOfEveryRelease) {
  LoopbackServer server({reply(200), reply(200)});
  auto o = options();
  o.operatorWide = {webhook("operator", server.url() + "/all", api::NotificationFormat::Slack)};
  auto notifier = make(o);
  notifier->notify(change(api::Phase::Promoted), {});
  auto other = change(api::Phase::RolledBack);
  other.release = "ranker";
  notifier->notify(other, {});
  EXPECT_EQ(notifier->deliverDue(), 2u) << "one queue per release: they do not wait for each other";
  EXPECT_EQ(server.requests().size(), 2u);
  EXPECT_EQ(counted("slack", "sent"), 2);
}

TEST_F(WebhookNotifierTest, DropsWhatDoesNotFitTheQueueOrOutlivesShutdown) {
  auto o = options();
  o.queueCapacity = 1;
  auto notifier = make(o);
  notifier->notify(change(api::Phase::Progressing), {webhook("a", "http://127.0.0.1:1/")});
  notifier->notify(change(api::Phase::Promoted), {webhook("a", "http://127.0.0.1:1/")});
  EXPECT_EQ(notifier->pending(), 1u);
  EXPECT_EQ(counted("generic", "dropped"), 1);
  notifier->shutDown();
  EXPECT_EQ(notifier->pending(), 0u);
  EXPECT_EQ(counted("generic", "dropped"), 2);
  notifier->notify(change(api::Phase::Promoted), {webhook("a", "http://127.0.0.1:1/")});
  EXPECT_EQ(counted("generic", "dropped"), 3) << "nothing is queued after shutdown";
}

TEST_F(WebhookNotifierTest, NotifyReturnsAtOnceWhileTheEndpointHangs) {
  LoopbackServer silent;  // accepts connections (the kernel's backlog) and never answers
  auto o = options();
  o.deliveryThread = true;
  o.timeout = milliseconds(300);
  o.retry.maxAttempts = 1;
  SystemClock wall;
  WebhookNotifier notifier(wall, logger_, registry_, secrets_, o);
  notifier.notify(change(api::Phase::Progressing), {webhook("slow", silent.url())});
  // In flight: still queued, but no longer due.
  const auto giveUp = std::chrono::steady_clock::now() + seconds(5);
  while (notifier.nextDue() && std::chrono::steady_clock::now() < giveUp) std::this_thread::yield();
  ASSERT_EQ(notifier.pending(), 1u);
  ASSERT_FALSE(notifier.nextDue().has_value()) << "the delivery thread never took it";

  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i) notifier.notify(change(api::Phase::Promoted), {webhook("slow", silent.url())});
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(100)) << "notify() must not wait for the network";
  notifier.shutDown();  // waits for the attempt in flight (its timeout), drops the rest
  EXPECT_EQ(counted("generic", "failed"), 1);
  EXPECT_EQ(counted("generic", "dropped"), 20);
}

}  // namespace
}  // namespace aviary::notify
