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

  void useWebhook(std::optional<api::SecretKeyRef> bearerTokenSecret) {
    gate.prometheus.reset();
    gate.webhook = api::WebhookProvider{};
    gate.webhook->bearerTokenSecret = std::move(bearerTokenSecret);
  }

  // An error that says which gate and which Secret (or key) could not be read.
  static void expectNotFoundNaming(const Result<std::map<std::string, std::string>>& credentials,
                                   const std::string& what) {
    ASSERT_FALSE(credentials.ok());
    EXPECT_EQ(credentials.error().code, ErrorCode::NotFound);
    EXPECT_NE(credentials.error().message.find("gate error-rate credentials"), std::string::npos) << credentials.error().message;
    EXPECT_NE(credentials.error().message.find(what), std::string::npos) << credentials.error().message;
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
  expectNotFoundNaming(resolve(), "wrong-key");
}

TEST_F(GateCredentialsTest, WebhookBearerTokenComesFromTheNamedKey) {
  useWebhook(api::SecretKeyRef{"prom-token", "token"});
  auto credentials = resolve();
  ASSERT_TRUE(credentials.ok());
  EXPECT_EQ(*credentials, (std::map<std::string, std::string>{{"token", "abc"}}));
  EXPECT_EQ(asked, std::vector<std::string>{"prom-token/token"});
}

TEST_F(GateCredentialsTest, WebhookMissingSecretIsAnErrorLikePrometheus) {
  useWebhook(api::SecretKeyRef{"hook-token", "token"});
  expectNotFoundNaming(resolve(), "hook-token");
}

TEST_F(GateCredentialsTest, GatesNamingNoSecretCarryNone) {
  useWebhook(std::nullopt);
  auto webhook = resolve();
  ASSERT_TRUE(webhook.ok());
  EXPECT_TRUE(webhook->empty());
  gate.webhook.reset();
  gate.command = api::CommandProvider{};
  auto command = resolve();
  ASSERT_TRUE(command.ok());
  EXPECT_TRUE(command->empty());
  EXPECT_TRUE(asked.empty());
}

TEST(WithoutCredentials, RedactsEveryValueAsReadAndUrlEncoded) {
  const std::map<std::string, std::string> credentials{{"token", "abc/def+1"}, {"password", "abc"}, {"username", ""}};
  EXPECT_EQ(withoutCredentials("got abc/def+1, then abc%2Fdef%2B1 and abc", credentials),
            "got [redacted], then [redacted] and [redacted]")
      << "the longer value first, so no piece of it is left";
  EXPECT_EQ(withoutCredentials("nothing secret here", credentials), "nothing secret here");
  EXPECT_EQ(withoutCredentials("abc", {}), "abc");
}

}  // namespace
}  // namespace aviary::analysis
