#include <gtest/gtest.h>

#include <cstdlib>

#include "aviary/k8s/client.h"
#include "aviary/k8s/rest_config.h"
#include "k8s/local_file.h"
#include "unit/k8s/temp_dir.h"

namespace aviary::k8s {
namespace {

// "-----BEGIN CERTIFICATE-----\nCA\n" and friends, base64-encoded as kubeconfig embeds them.
const char* kCaPem = "-----BEGIN CERTIFICATE-----\nCA\n";
const char* kCaB64 = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCkNBCg==";

std::string twoContexts(const std::string& userBody) {
  return std::string(R"(apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: dev-cluster
  cluster:
    server: https://127.0.0.1:6443/
    certificate-authority-data: )") + kCaB64 + R"(
- name: prod-cluster
  cluster:
    server: https://prod.example:443
    insecure-skip-tls-verify: true
contexts:
- name: dev
  context: {cluster: dev-cluster, user: dev-user, namespace: ml}
- name: prod
  context: {cluster: prod-cluster, user: prod-user}
users:
- name: dev-user
  user:
)" + userBody + R"(
- name: prod-user
  user:
    tokenFile: tokens/prod
)";
}

TEST(Kubeconfig, CurrentContextWithEmbeddedData) {
  auto config = parseKubeconfig(twoContexts(R"(    token: abc
    client-certificate-data: Y2VydA==
    client-key-data: a2V5)"), "", "/base");
  ASSERT_TRUE(config.ok()) << config.error().describe();
  EXPECT_EQ(config->server, "https://127.0.0.1:6443");  // trailing slash dropped
  EXPECT_EQ(config->caData, kCaPem);
  EXPECT_EQ(config->clientCertData, "cert");
  EXPECT_EQ(config->clientKeyData, "key");
  EXPECT_EQ(config->token, "abc");
  EXPECT_EQ(config->defaultNamespace, "ml");
  EXPECT_FALSE(config->insecureSkipTlsVerify);
}

TEST(Kubeconfig, NamedContextResolvesRelativeTokenFileAndInsecureFlag) {
  auto config = parseKubeconfig(twoContexts("    token: abc"), "prod", "/home/me/.kube");
  ASSERT_TRUE(config.ok()) << config.error().describe();
  EXPECT_EQ(config->server, "https://prod.example:443");
  EXPECT_EQ(config->tokenFile, "/home/me/.kube/tokens/prod");
  EXPECT_TRUE(config->insecureSkipTlsVerify);
  EXPECT_TRUE(config->caData.empty());
}

TEST(Kubeconfig, CertificateFilesAreReadRelativeToTheConfig) {
  testing::TempDir dir;
  dir.write("ca.crt", "CA-PEM");
  dir.write("client.crt", "CERT-PEM");
  dir.write("client.key", "KEY-PEM");
  std::string yaml = R"(
current-context: c
clusters: [{name: k, cluster: {server: "https://h:1", certificate-authority: ca.crt}}]
users: [{name: u, user: {client-certificate: client.crt, client-key: )" + dir.path() + R"(/client.key}}]
contexts: [{name: c, context: {cluster: k, user: u}}]
)";
  std::string path = dir.write("config", yaml);
  auto config = loadKubeconfig(path, "");
  ASSERT_TRUE(config.ok()) << config.error().describe();
  EXPECT_EQ(config->caData, "CA-PEM");
  EXPECT_EQ(config->clientCertData, "CERT-PEM");
  EXPECT_EQ(config->clientKeyData, "KEY-PEM");
  EXPECT_NE(config->source.find(path), std::string::npos);
}

TEST(Kubeconfig, MissingFileIsNotFoundWithThePath) {
  auto config = loadKubeconfig("/nonexistent/aviary/config", "");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().code, ErrorCode::NotFound);
  EXPECT_NE(config.error().message.find("/nonexistent/aviary/config"), std::string::npos);
}

TEST(Kubeconfig, MissingContextClusterOrUserIsNotFound) {
  auto noContext = parseKubeconfig(twoContexts("    token: a"), "staging", "");
  ASSERT_FALSE(noContext.ok());
  EXPECT_EQ(noContext.error().code, ErrorCode::NotFound);
  EXPECT_NE(noContext.error().message.find("\"staging\""), std::string::npos);

  auto noCluster = parseKubeconfig(R"(
current-context: c
contexts: [{name: c, context: {cluster: gone, user: u}}]
users: [{name: u, user: {}}]
)", "", "");
  ASSERT_FALSE(noCluster.ok());
  EXPECT_EQ(noCluster.error().code, ErrorCode::NotFound);
  EXPECT_NE(noCluster.error().message.find("\"gone\""), std::string::npos);

  auto noCurrent = parseKubeconfig("clusters: []\n", "", "");
  ASSERT_FALSE(noCurrent.ok());
  EXPECT_EQ(noCurrent.error().code, ErrorCode::NotFound);
}

TEST(Kubeconfig, UnreadableCertificateNamesTheFile) {
  auto config = parseKubeconfig(twoContexts("    client-certificate: /no/such/client.crt\n    client-key: /no/such/client.key"),
                                "", "");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().code, ErrorCode::InvalidSpec);
  EXPECT_NE(config.error().message.find("client certificate /no/such/client.crt"), std::string::npos)
      << config.error().message;
}

TEST(Kubeconfig, BadBase64AndHalfAKeyPairAreInvalid) {
  auto badData = parseKubeconfig(twoContexts("    client-certificate-data: '!!!'\n    client-key-data: a2V5"), "", "");
  ASSERT_FALSE(badData.ok());
  EXPECT_EQ(badData.error().code, ErrorCode::InvalidSpec);
  EXPECT_NE(badData.error().message.find("client-certificate-data"), std::string::npos);

  auto halfPair = parseKubeconfig(twoContexts("    client-certificate-data: Y2VydA=="), "", "");
  ASSERT_FALSE(halfPair.ok());
  EXPECT_EQ(halfPair.error().code, ErrorCode::InvalidSpec);
}

TEST(Kubeconfig, ExecPluginsAreRefusedNotIgnored) {
  auto config = parseKubeconfig(twoContexts("    exec: {command: aws}"), "", "");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().code, ErrorCode::InvalidSpec);
}

TEST(Kubeconfig, MalformedYamlIsParseError) {
  auto config = parseKubeconfig("clusters: [unclosed", "", "");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().code, ErrorCode::ParseError);
}

TEST(Kubeconfig, ImpersonationFromTheUserEntry) {
  auto config = parseKubeconfig(twoContexts("    token: t\n    as: alice\n    as-groups: [devs, ops]"), "", "");
  ASSERT_TRUE(config.ok()) << config.error().describe();
  EXPECT_EQ(config->impersonateUser, "alice");
  EXPECT_EQ(config->impersonateGroups, (std::vector<std::string>{"devs", "ops"}));
}

TEST(Base64, DecodesWithAndWithoutPaddingAndRejectsJunk) {
  EXPECT_EQ(*decodeBase64("aGVsbG8="), "hello");
  EXPECT_EQ(*decodeBase64("aGVsbG8"), "hello");
  EXPECT_EQ(*decodeBase64("aGVs\nbG8="), "hello");
  EXPECT_EQ(*decodeBase64(""), "");
  EXPECT_FALSE(decodeBase64("aGV$").ok());
  EXPECT_FALSE(decodeBase64("aGVsbG8=x").ok());
  EXPECT_FALSE(decodeBase64("a").ok());
}

// Environment-dependent resolution; each test restores what it changed.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    const char* old = std::getenv(name);
    if (old) old_ = old;
    had_ = old != nullptr;
    if (value) {
      ::setenv(name, value, 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (had_) {
      ::setenv(name_.c_str(), old_.c_str(), 1);
    } else {
      ::unsetenv(name_.c_str());
    }
  }

 private:
  std::string name_, old_;
  bool had_ = false;
};

TEST(ResolveRestConfig, KubeconfigEnvTakesTheFirstFileOfAList) {
  testing::TempDir dir;
  std::string path = dir.write("first", twoContexts("    token: first"));
  ScopedEnv env("KUBECONFIG", (path + ":/some/other/config").c_str());
  ClientOptions options;
  options.impersonateUser = "bob";
  auto config = resolveRestConfig(options);
  ASSERT_TRUE(config.ok()) << config.error().describe();
  EXPECT_EQ(config->token, "first");
  EXPECT_EQ(config->impersonateUser, "bob");
}

TEST(ResolveRestConfig, ExplicitPathWinsAndAMissingOneIsAnError) {
  ScopedEnv env("KUBECONFIG", "/also/missing");
  ClientOptions options;
  options.kubeconfigPath = "/no/such/kubeconfig";
  auto config = resolveRestConfig(options);
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().message.find("/no/such/kubeconfig"), std::string::npos);
}

TEST(ResolveRestConfig, FallsBackToInClusterWhenNoKubeconfigExists) {
  testing::TempDir home;
  ScopedEnv kubeconfig("KUBECONFIG", nullptr);
  ScopedEnv homeEnv("HOME", home.path().c_str());
  ScopedEnv host("KUBERNETES_SERVICE_HOST", nullptr);
  auto config = resolveRestConfig(ClientOptions{});
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().code, ErrorCode::NotFound);
  EXPECT_NE(config.error().message.find("KUBERNETES_SERVICE_HOST"), std::string::npos);
}

TEST(InClusterConfig, ReadsTheServiceAccountFiles) {
  testing::TempDir dir;
  dir.write("token", "sa-token\n");
  dir.write("ca.crt", "CLUSTER-CA");
  dir.write("namespace", "ml\n");
  ScopedEnv host("KUBERNETES_SERVICE_HOST", "10.0.0.1");
  ScopedEnv port("KUBERNETES_SERVICE_PORT", "443");
  auto config = loadInClusterConfig(dir.path());
  ASSERT_TRUE(config.ok()) << config.error().describe();
  EXPECT_EQ(config->server, "https://10.0.0.1:443");
  EXPECT_EQ(config->tokenFile, dir.path() + "/token");
  EXPECT_EQ(config->caData, "CLUSTER-CA");
  EXPECT_EQ(config->defaultNamespace, "ml");
}

TEST(InClusterConfig, Ipv6HostIsBracketedAndAMissingTokenIsReported) {
  testing::TempDir dir;
  dir.write("ca.crt", "CLUSTER-CA");
  ScopedEnv host("KUBERNETES_SERVICE_HOST", "fd00::1");
  ScopedEnv port("KUBERNETES_SERVICE_PORT", "443");
  auto missing = loadInClusterConfig(dir.path());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("service account token"), std::string::npos);
  dir.write("token", "t");
  auto config = loadInClusterConfig(dir.path());
  ASSERT_TRUE(config.ok()) << config.error().describe();
  EXPECT_EQ(config->server, "https://[fd00::1]:443");
}

}  // namespace
}  // namespace aviary::k8s
