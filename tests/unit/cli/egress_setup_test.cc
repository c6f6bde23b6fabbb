// The operator's egress policy from its flags and its API server URL, and the egress flags themselves.

#include "cli/egress_setup.h"

#include <gtest/gtest.h>

namespace aviary::cli {
namespace {

TEST(UrlHostPort, SplitsHostAndPort) {
  auto a = urlHostPort("https://127.0.0.1:24443");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 24443);
  auto b = urlHostPort("https://kubernetes.default.svc/api?x=1");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->host, "kubernetes.default.svc");
  EXPECT_EQ(b->port, 443);
  auto c = urlHostPort("http://[::1]:8080/");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->host, "::1");
  EXPECT_EQ(c->port, 8080);
  for (const char* bad : {"127.0.0.1:6443", "ftp://x", "https://", "https://h:0", "https://h:99999", "https://[::1", "https://h:x"}) {
    EXPECT_FALSE(urlHostPort(bad).ok()) << bad;
  }
}

TEST(OperatorEgressPolicy, LoopbackClusterAllowsLoopbackButNotTheApiServer) {
  auto flags = parseOperatorFlags({});
  ASSERT_TRUE(flags.ok());
  auto policy = operatorEgressPolicy(*flags, "https://127.0.0.1:24443");
  ASSERT_TRUE(policy.ok()) << policy.error().describe();
  EXPECT_TRUE(policy->loopbackAllowed());
  EXPECT_TRUE(policy->checkAddress("127.0.0.1", "127.0.0.1", 9090).ok());
  auto api = policy->checkAddress("127.0.0.1", "127.0.0.1", 24443);
  ASSERT_FALSE(api.ok());
  EXPECT_NE(api.error().message.find("the API server"), std::string::npos);
  EXPECT_FALSE(policy->checkAddress("x", "169.254.169.254", 80).ok());
}

TEST(OperatorEgressPolicy, LocalhostNameCountsAsLoopbackAndResolves) {
  auto flags = parseOperatorFlags({});
  auto policy = operatorEgressPolicy(*flags, "https://localhost:6443");
  ASSERT_TRUE(policy.ok());
  EXPECT_TRUE(policy->loopbackAllowed());
  EXPECT_FALSE(policy->checkAddress("localhost", "127.0.0.1", 6443).ok());
  EXPECT_FALSE(policy->checkHost("localhost").ok()) << "the API server's own name";
}

TEST(OperatorEgressPolicy, FlagsTurnLoopbackOffAndAddEntries) {
  auto flags = parseOperatorFlags({"--egress-loopback=deny", "--egress-deny", "10.0.0.0/8,internal.example.com",
                                   "--egress-allow=*.example.com"});
  ASSERT_TRUE(flags.ok()) << flags.error().message;
  EXPECT_EQ(flags->egressLoopback, LoopbackEgress::Deny);
  EXPECT_EQ(flags->egressDeny, (std::vector<std::string>{"10.0.0.0/8", "internal.example.com"}));
  EXPECT_EQ(flags->egressAllow, (std::vector<std::string>{"*.example.com"}));
  auto policy = operatorEgressPolicy(*flags, "https://127.0.0.1:24443");
  ASSERT_TRUE(policy.ok());
  EXPECT_FALSE(policy->loopbackAllowed());
  EXPECT_FALSE(policy->checkAddress("localhost", "127.0.0.1", 9090).ok());
  EXPECT_FALSE(policy->checkHost("internal.example.com").ok());
  EXPECT_TRUE(policy->checkAddress("hooks.example.com", "192.0.2.1", 443).ok());
  EXPECT_FALSE(policy->checkAddress("hooks.example.org", "192.0.2.1", 443).ok());
}

TEST(OperatorEgressPolicy, BadFlagValuesNameTheFlag) {
  auto loopback = parseOperatorFlags({"--egress-loopback=maybe"});
  ASSERT_FALSE(loopback.ok());
  EXPECT_NE(loopback.error().message.find("--egress-loopback"), std::string::npos);
  auto deny = parseOperatorFlags({"--egress-deny=10.0.0.0/40"});
  ASSERT_FALSE(deny.ok());
  EXPECT_NE(deny.error().message.find("--egress-deny"), std::string::npos);
  auto empty = parseOperatorFlags({"--egress-allow=a.example.com,,b.example.com"});
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().message.find("--egress-allow"), std::string::npos);
}

}  // namespace
}  // namespace aviary::cli
