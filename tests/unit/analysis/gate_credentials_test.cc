// Which Secret values a gate's query carries, and that an unreadable Secret is an error, not an
// unauthenticated query.
#include "aviary/analysis/gate_credentials.h"

#include <gtest/gtest.h>

namespace aviary::analysis {
namespace {

class GateCredentialsTest : public ::testing::Test {
 protected:
  GateCredentialsTest() {
    gate.name = "error-rate";
    gate.prometheus = api::PrometheusProvider{};
  }

  Result<std::map<std::string, std::string>> resolve() {
    return gateCredentials(gate, [this](const std::string& name, const std::string& key) -> Result<std::string> {
      asked.push_back(name + "/" + key);
      auto it = secrets.find(name + "/" + key);
      if (it == secrets.end()) return makeError(ErrorCode::NotFound, "secret ml/" + name + " has no key \"" + key + "\"");
      return it->second;
    });
  }

  api::Gate gate;
  std::map<std::string, std::string> secrets{
      {"prom-token/token", "abc"}, {"prom-basic/username", "reader"}, {"prom-basic/password", "pw"}};
  std::vector<std::string> asked;
};

TEST_F(GateCredentialsTest, NoSecretNamedReadsNothing) {
  auto credentials = resolve();
  ASSERT_TRUE(credentials.ok());
  EXPECT_TRUE(credentials->empty());
  EXPECT_TRUE(asked.empty());
}

TEST_F(GateCredentialsTest, BearerTokenComesFromTheNamedKey) {
  gate.prometheus->bearerTokenSecret = api::SecretKeyRef{"prom-token", "token"};
  auto credentials = resolve();
  ASSERT_TRUE(credentials.ok());
  EXPECT_EQ(*credentials, (std::map<std::string, std::string>{{"token", "abc"}}));
}

TEST_F(GateCredentialsTest, BasicAuthReadsUsernameAndPassword) {
  gate.prometheus->basicAuthSecret = "prom-basic";
  auto credentials = resolve();
  ASSERT_TRUE(credentials.ok());
  EXPECT_EQ(*credentials, (std::map<std::string, std::string>{{"username", "reader"}, {"password", "pw"}}));
}

TEST_F(GateCredentialsTest, MissingSecretIsAnErrorNamingTheGateAndTheSecret) {
  gate.prometheus->bearerTokenSecret = api::SecretKeyRef{"prom-token", "wrong-key"};
  auto credentials = resolve();
  ASSERT_FALSE(credentials.ok());
  EXPECT_EQ(credentials.error().code, ErrorCode::NotFound);
  EXPECT_NE(credentials.error().message.find("gate error-rate"), std::string::npos) << credentials.error().message;
  EXPECT_NE(credentials.error().message.find("wrong-key"), std::string::npos) << credentials.error().message;
}

TEST_F(GateCredentialsTest, OtherProvidersCarryNoPrometheusCredentials) {
  gate.prometheus.reset();
  gate.webhook = api::WebhookProvider{};
  auto credentials = resolve();
  ASSERT_TRUE(credentials.ok());
  EXPECT_TRUE(credentials->empty());
}

}  // namespace
}  // namespace aviary::analysis
