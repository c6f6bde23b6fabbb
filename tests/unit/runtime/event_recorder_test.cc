// Events against FakeKubeClient (a double, not the API server); the integration test checks
// the real server accepts what buildEvent makes.
#include "aviary/runtime/event_recorder.h"

#include <sstream>

#include <gtest/gtest.h>

#include "aviary/runtime/micro_time.h"
#include "mocks/k8s/fake_kube_client.h"

namespace aviary::runtime {
namespace {

using nlohmann::json;
using aviary::testing::FakeKubeClient;

const ObjectReference kRelease{"aviary.dev/v1alpha1", "ModelRelease", "ml", "fraud", "uid-1", "42"};

TEST(BuildEvent, CarriesTheEventsV1FieldsWithMicrosecondEventTime) {
  TimePoint t;
  ASSERT_TRUE(parseRfc3339("2026-11-22T07:30:05Z", t));
  EventRecorderOptions options;
  options.reportingInstance = "operator-0";
  json event = buildEvent(kRelease, EventType::Warning, "AnalysisFailed", "Analyze", "error-rate 0.05 > 0.01",
                          options, t, "fraud.1");
  EXPECT_EQ(event["apiVersion"], "events.k8s.io/v1");
  EXPECT_EQ(event["metadata"], (json{{"name", "fraud.1"}, {"namespace", "ml"}}));
  EXPECT_EQ(event["regarding"], (json{{"apiVersion", "aviary.dev/v1alpha1"}, {"kind", "ModelRelease"},
                                      {"namespace", "ml"}, {"name", "fraud"}, {"uid", "uid-1"},
                                      {"resourceVersion", "42"}}));
  EXPECT_EQ(event["type"], "Warning");
  EXPECT_EQ(event["reason"], "AnalysisFailed");
  EXPECT_EQ(event["action"], "Analyze");
  EXPECT_EQ(event["eventTime"], "2026-11-22T07:30:05.000000Z");
  EXPECT_EQ(event["reportingController"], "aviary.dev/operator");
  EXPECT_EQ(event["reportingInstance"], "operator-0");
  EXPECT_FALSE(event.contains("series"));
}

TEST(BuildEvent, CutsLongNotesAtACharacterBoundaryAndPutsClusterScopedInDefault) {
  std::string note(1023, 'x');
  note += "é";  // two bytes straddling the 1 KiB limit
  json event = buildEvent({"v1", "Namespace", "", "ml", "", ""}, EventType::Normal, "R", "A", note, {}, TimePoint{}, "n");
  EXPECT_EQ(event["note"].get<std::string>().size(), 1023u);
  EXPECT_EQ(event["metadata"]["namespace"], "default");
}

class EventRecorderTest : public ::testing::Test {
 protected:
  EventRecorderTest() : logger_(logs_, clock_, LogLevel::Debug) {}
  std::unique_ptr<KubeEventRecorder> recorder(size_t capacity = 256) {
    EventRecorderOptions options;
    options.reportingInstance = "operator-0";
    options.queueCapacity = capacity;
    options.senderThread = false;
    return std::make_unique<KubeEventRecorder>(client_, clock_, logger_, options);
  }
  std::vector<json> events() { return client_.objects(k8s::resources::kEvents); }

  FakeKubeClient client_;
  ManualClock clock_;
  std::ostringstream logs_;
  Logger logger_;
};

TEST_F(EventRecorderTest, RepeatsWithinTheWindowIncrementTheSeriesOfOneEvent) {
  auto r = recorder();
  TimePoint start = clock_.now();
  for (int i = 0; i < 3; ++i) {
    r->record(kRelease, EventType::Warning, "AnalysisFailed", "Analyze", "error-rate too high");
    clock_.advance(std::chrono::seconds(30));
  }
  r->record(kRelease, EventType::Warning, "AnalysisFailed", "Analyze", "another note");
  r->sendPending();
  auto stored = events();
  ASSERT_EQ(stored.size(), 2u);
  const json& repeated = stored[0]["note"] == "error-rate too high" ? stored[0] : stored[1];
  EXPECT_EQ(repeated["series"]["count"], 3);
  EXPECT_EQ(repeated["eventTime"], formatMicroTime(start));
  EXPECT_EQ(repeated["series"]["lastObservedTime"], formatMicroTime(start + std::chrono::seconds(60)));
}

TEST_F(EventRecorderTest, AfterTheWindowOrWhenTheEventExpiredANewEventIsCreated) {
  auto r = recorder();
  r->record(kRelease, EventType::Normal, "StepCompleted", "SetWeight", "weight 10");
  r->sendPending();
  clock_.advance(std::chrono::minutes(11));
  r->record(kRelease, EventType::Normal, "StepCompleted", "SetWeight", "weight 10");
  r->sendPending();
  ASSERT_EQ(events().size(), 2u);

  for (const auto& e : events()) {
    ASSERT_TRUE(client_.remove(k8s::resources::kEvents, "ml", e["metadata"]["name"], {}).ok());
  }
  clock_.advance(std::chrono::seconds(1));
  r->record(kRelease, EventType::Normal, "StepCompleted", "SetWeight", "weight 10");
  r->sendPending();
  ASSERT_EQ(events().size(), 1u);
  EXPECT_FALSE(events()[0].contains("series"));
}

TEST_F(EventRecorderTest, FullQueueDropsAndCountsInsteadOfBlocking) {
  auto r = recorder(/*capacity=*/2);
  for (int i = 0; i < 5; ++i) r->record(kRelease, EventType::Normal, "R" + std::to_string(i), "A", "n");
  EXPECT_EQ(r->dropped(), 3u);
  r->sendPending();
  EXPECT_EQ(events().size(), 2u);
}

TEST_F(EventRecorderTest, ServerErrorIsLoggedAndTheNextEventStillGoesOut) {
  auto r = recorder();
  client_.failNext("create", makeError(ErrorCode::Forbidden, "events is forbidden"));
  r->record(kRelease, EventType::Normal, "A", "A", "n");
  r->record(kRelease, EventType::Normal, "B", "B", "n");
  r->sendPending();
  EXPECT_EQ(events().size(), 1u);
  EXPECT_NE(logs_.str().find("events is forbidden"), std::string::npos);
}

TEST_F(EventRecorderTest, ShutDownSendsWhatTheSenderThreadHadQueued) {
  EventRecorderOptions options;
  options.reportingInstance = "operator-0";
  KubeEventRecorder r(client_, clock_, logger_, options);
  for (int i = 0; i < 10; ++i) r.record(kRelease, EventType::Normal, "R" + std::to_string(i), "A", "n");
  r.shutDown();
  EXPECT_EQ(events().size(), 10u);
  r.record(kRelease, EventType::Normal, "Late", "A", "n");  // after shutdown: ignored
  EXPECT_EQ(r.dropped(), 0u);
}

}  // namespace
}  // namespace aviary::runtime
