// The real API server accepts the Events buildEvent makes and the series patch that folds repeats.
#include <sstream>

#include <gtest/gtest.h>

#include "aviary/runtime/event_recorder.h"
#include "integration/runtime/cluster_fixture.h"

namespace aviary::runtime {
namespace {

using testing::ClusterTest;

TEST_F(ClusterTest, EventRecorderCreatesOneEventAndCountsRepeatsInItsSeries) {
  auto subject = client_->create(k8s::resources::kConfigMaps, namespace_, configMap("subject"));
  ASSERT_TRUE(subject.ok()) << subject.error().describe();
  SystemClock clock;
  std::ostringstream logs;
  Logger logger(logs, clock, LogLevel::Debug);
  EventRecorderOptions options;
  options.reportingInstance = "integration-test";
  KubeEventRecorder recorder(*client_, clock, logger, options);
  for (int i = 0; i < 3; ++i) recorder.record(referenceTo(*subject), EventType::Warning, "Tested", "Test", "same note");
  recorder.record(referenceTo(*subject), EventType::Normal, "Tested", "Test", "other note");
  recorder.shutDown();
  EXPECT_EQ(logs.str(), "") << "the server refused something";

  auto events = client_->list(k8s::resources::kEvents, namespace_, {});
  ASSERT_TRUE(events.ok()) << events.error().describe();
  ASSERT_EQ(events->items.size(), 2u);
  for (const auto& event : events->items) {
    EXPECT_EQ(event["regarding"]["name"], "subject");
    EXPECT_EQ(event["reportingController"], "aviary.dev/operator");
    if (event["note"] == "same note") {
      EXPECT_EQ(event["type"], "Warning");
      EXPECT_EQ(event["series"]["count"], 3);
    } else {
      EXPECT_FALSE(event.contains("series"));
    }
  }
}

}  // namespace
}  // namespace aviary::runtime
