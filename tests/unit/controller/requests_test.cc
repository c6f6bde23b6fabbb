// The aviary.dev/request annotation through reconcile(): acted on once per id, cleared once the status
// that records it is written, a newer request written meanwhile kept, and a restarted operator that
// still finds a handled request does not act on it again.

#include "unit/controller/reconciler_fixture.h"

namespace aviary::controller::testing {
namespace {

using ::testing::_;

class RequestTest : public ReconcilerTest {
 protected:
  void SetUp() override {
    ReconcilerTest::SetUp();
    server.seed(resources::kModelReleases, releaseObject("1"));
    settle();
    setVersion("2");
    settle();
    ASSERT_EQ(status().value("phase", ""), "Paused") << status().dump();
  }

  // The StepSkipped and RequestIgnored events recorded so far.
  int skips = 0, ignored = 0;
  void countEvents() {
    ON_CALL(events, record(_, _, "StepSkipped", _, _)).WillByDefault([this] { ++skips; });
    ON_CALL(events, record(_, _, "RequestIgnored", _, _)).WillByDefault([this] { ++ignored; });
  }
};

TEST_F(RequestTest, PromoteIsActedOnOnceAndItsAnnotationsAreCleared) {
  countEvents();
  annotate("promote", "p1");
  ASSERT_TRUE(reconcile().ok());
  EXPECT_EQ(status().value("lastHandledRequest", ""), "p1");
  EXPECT_FALSE(annotations().contains(api::kRequestAnnotation)) << annotations().dump();
  EXPECT_FALSE(annotations().contains(api::kRequestIdAnnotation)) << annotations().dump();
  settle();
  EXPECT_EQ(status().value("phase", ""), "Promoted") << status().dump(1);
  EXPECT_EQ(skips, 1);
}

TEST_F(RequestTest, TheRequesterIsRecordedAndItsAnnotationClearedWithTheRequest) {
  annotate("promote", "p1");
  server.mutate(resources::kModelReleases, kNs, kName,
                [](Json& o) { o["metadata"]["annotations"][api::kRequestedByAnnotation] = "alice"; });
  ASSERT_TRUE(reconcile().ok());
  EXPECT_EQ(status().value("lastHandledRequest", ""), "p1");
  EXPECT_FALSE(annotations().contains(api::kRequestedByAnnotation)) << "no name is left for the next request";
  const Json records = status().value("decisionRecords", Json::array());
  ASSERT_FALSE(records.empty()) << status().dump(1);
  Json requests = Json::array();
  for (const auto& e : records.back().value("events", Json::array())) {
    if (e.value("kind", "") == "request") requests.push_back(e);
  }
  ASSERT_EQ(requests.size(), 1u) << records.back().dump(1);
  EXPECT_EQ(requests[0].value("by", ""), "alice");
  EXPECT_EQ(requests[0].value("action", ""), "promote");
}

TEST_F(RequestTest, AHandledRequestFoundAfterARestartIsClearedNotRepeated) {
  countEvents();
  annotate("promote", "p1");
  ASSERT_TRUE(reconcile().ok());
  ASSERT_EQ(status().value("lastHandledRequest", ""), "p1");
  // The operator died between its status write and the clear: the annotations are back as they were.
  annotate("promote", "p1");
  restart();
  ASSERT_TRUE(reconcile().ok());
  EXPECT_FALSE(annotations().contains(api::kRequestIdAnnotation)) << annotations().dump();
  EXPECT_EQ(status().value("lastHandledRequest", ""), "p1");
  EXPECT_EQ(skips, 1);
  EXPECT_EQ(ignored, 0);
}

TEST_F(RequestTest, ANewerRequestWrittenDuringThePassIsKept) {
  annotate("promote", "p1");
  // While the pass acts (its first Event), the user asks again: the clear must not remove "abort a1".
  EXPECT_CALL(events, record(_, _, _, _, _)).WillOnce([this] { annotate("abort", "a1"); }).WillRepeatedly([] {});
  ASSERT_TRUE(reconcile().ok());
  EXPECT_EQ(annotations().value(api::kRequestIdAnnotation, ""), "a1");
  ASSERT_TRUE(reconcile().ok());
  EXPECT_EQ(status().value("lastHandledRequest", ""), "a1");
  EXPECT_FALSE(annotations().contains(api::kRequestIdAnnotation));
}

TEST_F(RequestTest, AFailedClearIsRetriedByTheNextPass) {
  annotate("promote", "p1");
  ASSERT_TRUE(reconcile().ok());
  annotate("promote", "p1");  // as if that clear had failed; now the clear is the pass's only write
  server.failNext("patch", makeError(ErrorCode::Unavailable, "apiserver restarting"));
  ASSERT_TRUE(reconcile().ok());  // the clear failing is logged, not a failed pass
  EXPECT_EQ(annotations().value(api::kRequestIdAnnotation, ""), "p1");
  ASSERT_TRUE(reconcile().ok());
  EXPECT_FALSE(annotations().contains(api::kRequestIdAnnotation));
}

}  // namespace
}  // namespace aviary::controller::testing
