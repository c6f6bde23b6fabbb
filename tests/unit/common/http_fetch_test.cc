// httpFetch against a real listener on loopback: the egress policy is applied to the address
// connected to, redirects are answers, bodies are bounded.
#include "aviary/common/http_fetch.h"

#include <gtest/gtest.h>

#include "unit/k8s/loopback_server.h"

namespace aviary {
namespace {

using aviary::testing::LoopbackServer;

std::string reply(int status, const std::string& body, const std::string& extra = "") {
  return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n" + extra + "Connection: close\r\n\r\n" + body;
}

EgressPolicy noLoopback() {
  EgressPolicyConfig config;
  config.apiServerHost = "10.96.0.1";
  config.loopback = LoopbackEgress::Deny;
  return *EgressPolicy::make(config);
}

FetchOptions guarded(const EgressPolicy& policy) {
  FetchOptions options;
  options.timeout = std::chrono::seconds(5);
  options.egress = &policy;
  return options;
}

TEST(HttpFetch, PolicyDeniesAtConnectTimeAndNothingArrives) {
  LoopbackServer server({reply(200, "1")});
  const auto policy = noLoopback();
  for (const std::string& url : {server.url() + "/x", "http://localhost:" + server.url().substr(17) + "/x"}) {
    auto answer = httpFetch("GET", url, "", {}, guarded(policy));
    ASSERT_FALSE(answer.ok()) << url;
    EXPECT_EQ(answer.error().code, ErrorCode::Forbidden);
    EXPECT_EQ(answer.error().message.rfind("egress policy denies ", 0), 0u) << answer.error().message;
    EXPECT_NE(answer.error().message.find("loopback"), std::string::npos) << answer.error().message;
  }
  EXPECT_TRUE(server.requests().empty());
}

TEST(HttpFetch, AllowedAddressIsFetched) {
  LoopbackServer server({reply(200, "0.5")});
  EgressPolicyConfig config;
  config.loopback = LoopbackEgress::Allow;
  const auto policy = *EgressPolicy::make(config);
  auto answer = httpFetch("GET", server.url() + "/x", "", {}, guarded(policy));
  ASSERT_TRUE(answer.ok()) << answer.error().describe();
  EXPECT_EQ(answer->status, 200);
  EXPECT_EQ(answer->body, "0.5");
}

TEST(HttpFetch, ApiServerPortDeniedOnLoopbackCluster) {
  LoopbackServer server({reply(200, "{}")});
  EgressPolicyConfig config;
  config.apiServerHost = "127.0.0.1";
  config.apiServerAddresses = {"127.0.0.1"};
  config.apiServerPort = std::stoi(server.url().substr(17));
  const auto policy = *EgressPolicy::make(config);
  auto answer = httpFetch("GET", server.url() + "/api", "", {}, guarded(policy));
  ASSERT_FALSE(answer.ok());
  EXPECT_NE(answer.error().message.find("the API server"), std::string::npos);
  EXPECT_TRUE(server.requests().empty());
}

TEST(HttpFetch, RedirectIsNotFollowed) {
  LoopbackServer target({reply(200, "secret")});
  LoopbackServer server({reply(302, "", "Location: " + target.url() + "/meta\r\n")});
  auto answer = httpFetch("GET", server.url() + "/x", "", {}, std::chrono::seconds(5));
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(answer->status, 302);
  EXPECT_TRUE(target.requests().empty());
}

TEST(HttpFetch, BodyIsBounded) {
  LoopbackServer declared({reply(200, std::string(5000, 'x'))});
  FetchOptions options;
  options.maxBodyBytes = 1000;
  auto answer = httpFetch("GET", declared.url(), "", {}, options);
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error().code, ErrorCode::Unavailable);
  EXPECT_NE(answer.error().message.find("longer than 1000 bytes"), std::string::npos);

  // Without a Content-Length the bound is enforced while reading.
  LoopbackServer streamed({"HTTP/1.1 200 X\r\nConnection: close\r\n\r\n" + std::string(5000, 'y')});
  answer = httpFetch("GET", streamed.url(), "", {}, options);
  ASSERT_FALSE(answer.ok());
  EXPECT_NE(answer.error().message.find("longer than 1000 bytes"), std::string::npos);
}

TEST(HttpFetch, OnlyHttpSchemes) {
  const auto policy = noLoopback();
  for (const char* url : {"file:///etc/passwd", "gopher://127.0.0.1:70/x", "dict://127.0.0.1:11211/stat", "not a url"}) {
    auto answer = httpFetch("GET", url, "", {}, guarded(policy));
    ASSERT_FALSE(answer.ok()) << url;
    EXPECT_EQ(answer.error().code, ErrorCode::InvalidSpec) << url;
  }
}

}  // namespace
}  // namespace aviary
