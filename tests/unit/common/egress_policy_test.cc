#include "aviary/common/egress_policy.h"

#include <gtest/gtest.h>

namespace aviary {
namespace {

EgressPolicy policy(EgressPolicyConfig config) {
  auto made = EgressPolicy::make(config);
  EXPECT_TRUE(made.ok()) << (made.ok() ? "" : made.error().describe());
  return *made;
}

EgressPolicyConfig inCluster() {
  EgressPolicyConfig config;
  config.apiServerHost = "10.96.0.1";
  config.apiServerAddresses = {"10.96.0.1"};
  config.apiServerPort = 443;
  return config;
}

TEST(IpNetwork, ParsesNetworksAndAddresses) {
  auto net = IpNetwork::parse("10.0.0.0/8");
  ASSERT_TRUE(net.ok());
  EXPECT_TRUE(net->contains(*IpNetwork::parse("10.200.3.4")));
  EXPECT_FALSE(net->contains(*IpNetwork::parse("11.0.0.1")));
  EXPECT_FALSE(net->contains(*IpNetwork::parse("::1")));
  EXPECT_EQ(net->describe(), "10.0.0.0/8");
  auto six = IpNetwork::parse("fe80::/10");
  ASSERT_TRUE(six.ok());
  EXPECT_TRUE(six->contains(*IpNetwork::parse("fe80::1")));
  EXPECT_TRUE(six->contains(*IpNetwork::parse("febf::1")));
  EXPECT_FALSE(six->contains(*IpNetwork::parse("fec0::1")));
  EXPECT_TRUE(IpNetwork::parse("0.0.0.0/0")->contains(*IpNetwork::parse("8.8.8.8")));
}

TEST(IpNetwork, RejectsBadNetworks) {
  for (const char* bad : {"10.0.0.0/33", "::/129", "10.0.0/8", "1.2.3.4/", "1.2.3.4/x", "999.1.1.1", "", "/8"}) {
    EXPECT_FALSE(IpNetwork::parse(bad).ok()) << bad;
  }
}

TEST(IpNetwork, MappedIpv6IsIpv4) {
  auto mapped = IpNetwork::parse("::ffff:169.254.169.254");
  ASSERT_TRUE(mapped.ok());
  EXPECT_FALSE(mapped->v6);
  EXPECT_TRUE(IpNetwork::parse("169.254.0.0/16")->contains(*mapped));
}

TEST(EgressRule, ParsesHostsAndRejectsJunk) {
  auto exact = EgressRule::parse("Metrics.Example.com", "x");
  ASSERT_TRUE(exact.ok());
  EXPECT_EQ(exact->host, "metrics.example.com");
  ASSERT_TRUE(EgressRule::parse("*.svc.cluster.local", "x").ok());
  for (const char* bad : {"http://x", "a b", "*.", ".example.com", "10.0.0.1/99", "fe80::/200", "x/y"}) {
    EXPECT_FALSE(EgressRule::parse(bad, "x").ok()) << bad;
  }
}

TEST(HostMatches, ExactAndSuffix) {
  EXPECT_TRUE(hostMatches("a.example.com", "A.example.COM"));
  EXPECT_FALSE(hostMatches("a.example.com", "b.example.com"));
  EXPECT_TRUE(hostMatches("*.example.com", "a.b.example.com"));
  EXPECT_FALSE(hostMatches("*.example.com", "example.com"));
  EXPECT_FALSE(hostMatches("*.example.com", "badexample.com"));
}

TEST(EgressPolicy, DeniesLinkLocalByDefault) {
  auto p = policy(inCluster());
  auto metadata = p.checkAddress("169.254.169.254", "169.254.169.254", 80);
  ASSERT_FALSE(metadata.ok());
  EXPECT_EQ(metadata.error().code, ErrorCode::Forbidden);
  EXPECT_NE(metadata.error().message.find("egress policy"), std::string::npos);
  EXPECT_NE(metadata.error().message.find("link-local"), std::string::npos);
  EXPECT_FALSE(p.checkAddress("x", "::ffff:169.254.169.254", 80).ok());
  EXPECT_FALSE(p.checkAddress("x", "fe80::1", 80).ok());
  EXPECT_TRUE(p.checkAddress("metrics", "10.1.2.3", 80).ok());
}

TEST(EgressPolicy, DeniesTheApiServerOnItsPort) {
  auto p = policy(inCluster());
  auto api = p.checkAddress("kubernetes.default.svc", "10.96.0.1", 443);
  ASSERT_FALSE(api.ok());
  EXPECT_NE(api.error().message.find("the API server"), std::string::npos);
  EXPECT_NE(api.error().message.find("kubernetes.default.svc"), std::string::npos);
  EXPECT_TRUE(p.checkAddress("other", "10.96.0.1", 8080).ok());
}

TEST(EgressPolicy, DeniesTheApiServerByName) {
  EgressPolicyConfig config;
  config.apiServerHost = "api.cluster.example";
  auto p = policy(config);
  EXPECT_FALSE(p.checkHost("API.cluster.example").ok());
  EXPECT_TRUE(p.checkHost("metrics.example").ok());
}

TEST(EgressPolicy, LoopbackDeniedInClusterAllowedForALoopbackCluster) {
  auto inside = policy(inCluster());
  EXPECT_FALSE(inside.loopbackAllowed());
  for (const char* address : {"127.0.0.1", "127.5.5.5", "::1", "0.0.0.0", "::", "::ffff:127.0.0.1"}) {
    auto denied = inside.checkAddress("localhost", address, 9090);
    ASSERT_FALSE(denied.ok()) << address;
    EXPECT_NE(denied.error().message.find("loopback"), std::string::npos);
  }

  EgressPolicyConfig local;
  local.apiServerHost = "127.0.0.1";
  local.apiServerAddresses = {"127.0.0.1"};
  local.apiServerPort = 6443;
  auto dev = policy(local);
  EXPECT_TRUE(dev.loopbackAllowed());
  EXPECT_TRUE(dev.checkAddress("localhost", "127.0.0.1", 9090).ok());
  EXPECT_FALSE(dev.checkAddress("localhost", "127.0.0.1", 6443).ok());  // still the API server

  local.loopback = LoopbackEgress::Deny;
  EXPECT_FALSE(policy(local).checkAddress("localhost", "127.0.0.1", 9090).ok());
  auto allowed = inCluster();
  allowed.loopback = LoopbackEgress::Allow;
  EXPECT_TRUE(policy(allowed).checkAddress("localhost", "127.0.0.1", 9090).ok());
}

TEST(EgressPolicy, AllowListRestrictsByHostOrNetwork) {
  auto config = inCluster();
  config.allow = {"*.example.com", "10.20.0.0/16"};
  auto p = policy(config);
  EXPECT_TRUE(p.checkAddress("hooks.example.com", "203.0.113.7", 443).ok());
  EXPECT_TRUE(p.checkAddress("10.20.1.1", "10.20.1.1", 80).ok());
  auto outside = p.checkAddress("evil.example.org", "203.0.113.8", 443);
  ASSERT_FALSE(outside.ok());
  EXPECT_NE(outside.error().message.find("not in --egress-allow"), std::string::npos);
  // An allowed name does not open a denied address.
  EXPECT_FALSE(p.checkAddress("hooks.example.com", "169.254.169.254", 80).ok());
}

TEST(EgressPolicy, DenyListAddsToTheDefaults) {
  auto config = inCluster();
  config.deny = {"10.0.0.0/8", "internal.example.com"};
  auto p = policy(config);
  auto denied = p.checkAddress("x", "10.1.1.1", 80);
  ASSERT_FALSE(denied.ok());
  EXPECT_NE(denied.error().message.find("--egress-deny"), std::string::npos);
  EXPECT_FALSE(p.checkHost("internal.example.com").ok());
  EXPECT_TRUE(p.checkAddress("x", "192.0.2.1", 80).ok());
}

TEST(EgressPolicy, BadEntriesNameTheFlag) {
  auto config = inCluster();
  config.allow = {"not a host"};
  auto made = EgressPolicy::make(config);
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.error().code, ErrorCode::InvalidSpec);
  EXPECT_NE(made.error().message.find("--egress-allow"), std::string::npos);
}

TEST(EgressPolicy, AllowAllAllowsEverything) {
  auto p = EgressPolicy::allowAll();
  EXPECT_TRUE(p.checkAddress("x", "169.254.169.254", 80).ok());
  EXPECT_TRUE(p.checkHost("anything").ok());
}

}  // namespace
}  // namespace aviary
