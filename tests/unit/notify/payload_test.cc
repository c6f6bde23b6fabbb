#include "aviary/notify/payload.h"

#include <gtest/gtest.h>

namespace aviary::notify {
namespace {

using api::Phase;

ReleaseNotification promotion() {
  ReleaseNotification n;
  n.namespace_ = "ml";
  n.release = "fraud";
  n.model = "fraud-model";
  n.version = "8";
  n.phase = Phase::Promoted;
  n.previousPhase = Phase::AwaitingApproval;
  n.stableVersion = "8";
  n.weight = 0;
  n.message = "version 8 serves all traffic";
  parseRfc3339("2026-03-01T12:30:00Z", n.time);
  return n;
}

ReleaseNotification rollback() {
  ReleaseNotification n = promotion();
  n.version = "9";
  n.phase = Phase::RolledBack;
  n.previousPhase = Phase::Progressing;
  n.stableVersion = "8";
  n.canaryVersion = "9";
  n.weight = 10;
  n.message = "rolled back version 9: gate <errors> & latency: 0.3 > 0.01";
  return n;
}

TEST(GenericPayload, IsTheDocumentedFlatObject) {
  EXPECT_EQ(genericPayload(promotion()).dump(),
            R"({"release":"fraud","namespace":"ml","model":"fraud-model","version":"8","phase":"Promoted",)"
            R"("previousPhase":"AwaitingApproval","stableVersion":"8","canaryVersion":"","weight":0,)"
            R"("message":"version 8 serves all traffic","summary":"version 8 promoted","severity":"info",)"
            R"("time":"2026-03-01T12:30:00Z"})");
}

TEST(GenericPayload, KeepsTextAsWrittenAndMarksRollbacksAsWarnings) {
  const auto body = genericPayload(rollback());
  EXPECT_EQ(body["message"], "rolled back version 9: gate <errors> & latency: 0.3 > 0.01") << "JSON needs no entities";
  EXPECT_EQ(body["severity"], "warning");
  EXPECT_EQ(body["canaryVersion"], "9");
  EXPECT_EQ(body["weight"], 10);
}

TEST(SlackPayload, HasTheIncomingWebhookShape) {
  const auto body = slackPayload(promotion());
  EXPECT_EQ(body["text"], ":white_check_mark: *ml/fraud*: version 8 promoted");
  ASSERT_TRUE(body["attachments"].is_array());
  ASSERT_EQ(body["attachments"].size(), 1u);
  const auto& attachment = body["attachments"][0];
  EXPECT_EQ(attachment["color"], "good");
  EXPECT_EQ(attachment["fallback"], "ml/fraud: version 8 promoted");
  EXPECT_EQ(attachment["text"], "version 8 serves all traffic");
  EXPECT_EQ(attachment["ts"], 1772368200);
  EXPECT_EQ(attachment["footer"], "aviary");
  const auto& fields = attachment["fields"];
  ASSERT_EQ(fields.size(), 4u);
  EXPECT_EQ(fields[0]["title"], "Phase");
  EXPECT_EQ(fields[0]["value"], "AwaitingApproval → Promoted");
  EXPECT_EQ(fields[0]["short"], true);
  EXPECT_EQ(fields[2]["value"], "8");
  EXPECT_EQ(fields[3]["value"], "-") << "no canary: a dash rather than an empty field";
}

TEST(SlackPayload, EscapesWhatSlackReadsAsMarkupAndColoursTrouble) {
  auto n = rollback();
  n.namespace_ = "a&b";
  const auto body = slackPayload(n);
  EXPECT_EQ(body["text"], ":x: *a&amp;b/fraud*: version 9 rolled back");
  const auto& attachment = body["attachments"][0];
  EXPECT_EQ(attachment["text"], "rolled back version 9: gate &lt;errors&gt; &amp; latency: 0.3 &gt; 0.01");
  EXPECT_EQ(attachment["color"], "danger");
  EXPECT_EQ(attachment["fields"][3]["value"], "9 (10%)");
}

TEST(SlackPayload, OmitsAnEmptyMessage) {
  auto n = promotion();
  n.message.clear();
  EXPECT_FALSE(slackPayload(n)["attachments"][0].contains("text"));
}

TEST(PayloadBody, PicksTheBuilderByFormat) {
  const auto n = promotion();
  EXPECT_EQ(payloadBody(api::NotificationFormat::Generic, n), genericPayload(n).dump());
  EXPECT_EQ(payloadBody(api::NotificationFormat::Slack, n), slackPayload(n).dump());
}

TEST(PayloadBody, StaysValidJsonWithInvalidUtf8InAMessage) {
  auto n = promotion();
  n.message = "bad \xff byte";
  const auto parsed = nlohmann::json::parse(payloadBody(api::NotificationFormat::Generic, n));
  EXPECT_EQ(parsed["message"], "bad \xEF\xBF\xBD byte");
}

}  // namespace
}  // namespace aviary::notify
