#include "aviary/runtime/log.h"

#include <sstream>

#include <gtest/gtest.h>

#include "aviary/runtime/log_redaction.h"
#include "aviary/runtime/micro_time.h"

namespace aviary::runtime {
namespace {

std::vector<std::string> rawLines(const std::ostringstream& out) {
  std::istringstream lines(out.str());
  std::vector<std::string> result;
  for (std::string line; std::getline(lines, line);) result.push_back(line);
  return result;
}

std::vector<nlohmann::json> parsedLines(const std::ostringstream& out) {
  std::vector<nlohmann::json> parsed;
  for (const auto& line : rawLines(out)) parsed.push_back(nlohmann::json::parse(line));
  return parsed;
}

TEST(MicroTime, SixFractionalDigitsInUtc) {
  TimePoint t;
  ASSERT_TRUE(parseRfc3339("2026-11-22T07:30:05Z", t));
  EXPECT_EQ(formatMicroTime(t), "2026-11-22T07:30:05.000000Z");
  EXPECT_EQ(formatMicroTime(t + std::chrono::microseconds(123456)), "2026-11-22T07:30:05.123456Z");
  TimePoint back;
  ASSERT_TRUE(parseRfc3339(formatMicroTime(t + std::chrono::milliseconds(250)), back));
  EXPECT_EQ(back, t + std::chrono::milliseconds(250));
}

TEST(Logger, WritesOneJsonObjectPerLineWithFieldsAfterTheFixedOnes) {
  ManualClock clock;
  std::ostringstream out;
  Logger logger(out, clock, LogLevel::Info);
  logger.info("reconciled", {{"release", "ml/fraud"}, {"msg", "ignored: reserved"}});
  logger.debug("hidden");
  logger.error("failed", {{"error", std::string("bad \xff byte")}});
  auto parsed = parsedLines(out);
  ASSERT_EQ(parsed.size(), 2u);
  EXPECT_EQ(parsed[0]["level"], "info");
  EXPECT_EQ(parsed[0]["msg"], "reconciled");
  EXPECT_EQ(parsed[0]["release"], "ml/fraud");
  EXPECT_EQ(parsed[0]["ts"], formatMicroTime(clock.now()));
  EXPECT_EQ(out.str().rfind("{\"ts\":", 0), 0u) << "ts first, for humans reading the raw lines";
  EXPECT_EQ(parsed[1]["level"], "error");
  EXPECT_EQ(parsed[1]["error"], "bad \xEF\xBF\xBD byte") << "invalid UTF-8 becomes U+FFFD, the line stays valid JSON";
}

TEST(Logger, EscapesWhatWouldBreakTheLine) {
  ManualClock clock;
  std::ostringstream out;
  Logger logger(out, clock);
  const std::string hostile = "quote \" backslash \\ newline \n tab \t bell \x07 done";
  logger.warn(hostile, {{"detail", hostile}, {"unicode", "größe ✓"}});
  auto lines = rawLines(out);
  ASSERT_EQ(lines.size(), 1u) << "a newline in a message must not split the line";
  const std::string& raw = lines[0];
  EXPECT_NE(raw.find(R"(quote \" backslash \\ newline \n tab \t bell \u0007 done)"), std::string::npos) << raw;
  EXPECT_NE(raw.find("größe ✓"), std::string::npos) << "valid UTF-8 is written as is";
  auto parsed = nlohmann::json::parse(raw);
  EXPECT_EQ(parsed["msg"], hostile);
  EXPECT_EQ(parsed["detail"], hostile);
}

TEST(Logger, ScopedLoggerAddsItsFieldsToEveryLineInOrder) {
  ManualClock clock;
  std::ostringstream out;
  Logger root(out, clock, LogLevel::Debug);
  Logger pass = root.with({{"release", "ml/fraud"}});
  pass = pass.with({{"reconcile_id", "a1-7"}, {"phase", "Progressing"}});
  pass.info("acting", {{"action", "SetTraffic"}});
  pass.with({{"phase", "Promoted"}}).info("phase changed", {{"previousPhase", "Progressing"}});
  pass.info("override", {{"release", "other/name"}, {"level", "ignored"}});
  root.info("outside");

  auto raw = rawLines(out);
  ASSERT_EQ(raw.size(), 4u);
  EXPECT_EQ(raw[0].substr(raw[0].find("\"msg\"")),
            R"("msg":"acting","release":"ml/fraud","phase":"Progressing","reconcile_id":"a1-7","action":"SetTraffic"})")
      << "scope fields (in the order the object held them) come before the line's own";
  auto parsed = parsedLines(out);
  EXPECT_EQ(parsed[1]["phase"], "Promoted");
  EXPECT_EQ(parsed[1]["reconcile_id"], "a1-7");
  EXPECT_EQ(parsed[1]["previousPhase"], "Progressing");
  EXPECT_EQ(parsed[2]["release"], "other/name") << "a line's own field wins";
  EXPECT_EQ(parsed[2]["level"], "info") << "reserved names cannot be overridden";
  EXPECT_FALSE(parsed[3].contains("release")) << "the root logger is unchanged";
}

TEST(Logger, ScopedLoggerKeepsTheRootsLevel) {
  ManualClock clock;
  std::ostringstream out;
  Logger root(out, clock, LogLevel::Warn);
  Logger scoped = root.with({{"release", "ml/fraud"}});
  scoped.info("hidden");
  scoped.warn("shown");
  EXPECT_FALSE(scoped.enabled(LogLevel::Info));
  EXPECT_EQ(rawLines(out).size(), 1u);
}

TEST(Logger, NeverWritesSecretsItIsGiven) {
  ManualClock clock;
  std::ostringstream out;
  Logger logger(out, clock);
  logger.with({{"apiToken", "scope-secret"}})
      .error("POST https://bot:hunter2@hooks.example/x?token=abc123&team=ml failed",
             {{"password", "hunter2"},
              {"headers", {{"Authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig"}}},
              {"error", "401 from https://user:pw@mlflow:5000/api; sent Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig"},
              {"attempts", 3}});
  const std::string raw = out.str();
  for (const char* secret : {"hunter2", "abc123", "scope-secret", "eyJhbGci", ":pw@"}) {
    EXPECT_EQ(raw.find(secret), std::string::npos) << secret << " leaked: " << raw;
  }
  auto line = parsedLines(out).at(0);
  EXPECT_EQ(line["msg"], "POST https://[redacted]@hooks.example/x?token=[redacted]&team=ml failed");
  EXPECT_EQ(line["password"], kRedacted);
  EXPECT_EQ(line["apiToken"], kRedacted);
  EXPECT_EQ(line["headers"]["Authorization"], kRedacted);
  EXPECT_EQ(line["error"], "401 from https://[redacted]@mlflow:5000/api; sent Bearer [redacted]");
  EXPECT_EQ(line["attempts"], 3) << "non-secret values are kept as they were";
}

TEST(Redaction, RecognisesSecretFieldNamesWhateverTheirSpelling) {
  for (const char* name : {"password", "Password", "db_password", "bearerToken", "client-secret", "API_KEY", "apiKey",
                           "Authorization", "credentials", "Cookie", "webhookUrl", "passwd"}) {
    EXPECT_TRUE(isSecretFieldName(name)) << name;
  }
  for (const char* name : {"key", "release", "secretName", "tokens_used", "url", "error", "keyword"}) {
    EXPECT_FALSE(isSecretFieldName(name)) << name;
  }
}

TEST(Redaction, RewritesOnlyTheCredentialsInText) {
  EXPECT_EQ(redactSecrets("http://a:b@host:80/p@x"), "http://[redacted]@host:80/p@x");
  EXPECT_EQ(redactSecrets("https://host/path?sig=xyz#frag"), "https://host/path?sig=[redacted]#frag");
  EXPECT_EQ(redactSecrets("https://h/?a=1&api_key=K&b=2"), "https://h/?a=1&api_key=[redacted]&b=2");
  EXPECT_EQ(redactSecrets("Basic dXNlcjpwYXNzd29yZA=="), "Basic [redacted]");
  EXPECT_EQ(redactSecrets("Basic auth failed"), "Basic auth failed") << "prose stays readable";
  EXPECT_EQ(redactSecrets("see https://hooks.example/services/x and name=value"),
            "see https://hooks.example/services/x and name=value");
  EXPECT_EQ(redactSecrets("user@example.com wrote ?"), "user@example.com wrote ?");
  EXPECT_EQ(redactSecrets(""), "");
  EXPECT_EQ(redactSecrets("ends with ://"), "ends with ://");
  EXPECT_EQ(redactSecrets("&token="), "&token=[redacted]");
}

TEST(LogLevel, ParsesKnownNamesAndRejectsOthers) {
  EXPECT_EQ(*parseLogLevel("DEBUG"), LogLevel::Debug);
  EXPECT_EQ(*parseLogLevel("warning"), LogLevel::Warn);
  EXPECT_FALSE(parseLogLevel("loud").ok());
}

}  // namespace
}  // namespace aviary::runtime
