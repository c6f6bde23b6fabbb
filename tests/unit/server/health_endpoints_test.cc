#include "aviary/server/health_endpoints.h"

#include <atomic>

#include <gtest/gtest.h>

#include "unit/server/test_client.h"

namespace aviary::server {
namespace {

using testing::Client;
using testing::Reply;

class HealthEndpointsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HealthEndpoints::install(server_, registry_, [this] { return Readiness{ready_.load(), "informers not synced"}; });
    ASSERT_TRUE(server_.start("127.0.0.1:0").ok());
  }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(server_.port()) + path; }

  telemetry::MetricsRegistry registry_;
  std::atomic<bool> ready_{false};
  HttpServer server_;
  Client client_;
};

TEST_F(HealthEndpointsTest, HealthzIsAlways200) {
  Reply reply = client_.call("GET", url("/healthz"));
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "ok\n");
}

TEST_F(HealthEndpointsTest, ReadyzFollowsTheCheck) {
  Reply notReady = client_.call("GET", url("/readyz"));
  EXPECT_EQ(notReady.status, 503);
  EXPECT_EQ(notReady.body, "not ready: informers not synced\n");
  ready_ = true;
  Reply ready = client_.call("GET", url("/readyz"));
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body, "ok\n");
}

TEST_F(HealthEndpointsTest, MetricsRendersTheRegistry) {
  registry_.counter("aviary_test_total", "A test counter.").inc(3);
  Reply reply = client_.call("GET", url("/metrics"));
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(reply.body, registry_.render());
  EXPECT_NE(reply.body.find("aviary_test_total 3\n"), std::string::npos) << reply.body;
}

TEST_F(HealthEndpointsTest, ProbesAreGetOnly) {
  EXPECT_EQ(client_.call("POST", url("/healthz"), "x").status, 405);
}

}  // namespace
}  // namespace aviary::server
