// reconcile() pass by pass over mocks (tests/mocks): each phase transition, a conflicting status write,
// a write failing in the middle of a pass, the rollback fast path, the model registry's veto and record.

#include "aviary/common/urgent_scope.h"
#include "aviary/workload/names.h"
#include "unit/controller/reconciler_fixture.h"

namespace aviary::controller::testing {
namespace {

using ::testing::_;
using ::testing::AnyNumber;
using ::testing::Field;
using ::testing::Return;

Json withSteps(Json release, const std::string& steps) {
  release["spec"]["strategy"]["canary"]["steps"] = Json::parse(steps);
  return release;
}

// error-rate ≤ 5%, measured by the (mock) Prometheus provider every 10 s.
Json gated(const std::string& version) {
  Json release = withSteps(releaseObject(version), R"([{"setWeight": 30}, {"analysis": {"gates": ["error-rate"]}}, {"setWeight": 100}])");
  release["spec"]["analysis"] = Json::parse(R"({"interval": "10s", "gates": [{"name": "error-rate",
      "prometheus": {"address": "http://127.0.0.1:1", "query": "errors"}, "threshold": {"max": 0.05}}]})");
  return release;
}

class ReconcileTest : public ReconcilerTest {
 protected:
  void SetUp() override {
    ReconcilerTest::SetUp();
    ON_CALL(notifier, notify).WillByDefault([this](const notify::ReleaseNotification& n, auto&&) {
      announced.push_back(api::phaseName(n.phase));
    });
    ON_CALL(router, setRoutes).WillByDefault([this](const traffic::RouteTarget&, const traffic::TrafficSplit& split) {
      log.push_back("route " + std::to_string(split.canaryWeight));
      workload::WriteOutcome outcome;
      if (split.canaryWeight != routeWeight) outcome.add({"HTTPRoute", kNs, kName, "patch", ""});
      routeWeight = split.canaryWeight;
      return Result<workload::WriteOutcome>(outcome);
    });
  }

  std::string phase() { return status().value("phase", ""); }

  // Version 1 promoted, then version 2 walked to its first pause or check.
  void rolloutOfVersion2(Json first) {
    server.seed(resources::kModelReleases, std::move(first));
    settle();
    ASSERT_EQ(phase(), "Promoted");
    setVersion("2");
    settle();
  }

  // Version 2 of gated() with a pause before its analysis, rolled out to the analysis step (the pass
  // that starts it holds), its gate measuring value in the background.
  void toTheAnalysisStepAfterAPause(double value) {
    measureInBackground();
    ON_CALL(*metrics, fetch).WillByDefault([value](auto&&...) { return Result<analysis::MetricValue>(analysis::Scalar{value}); });
    server.seed(resources::kModelReleases,
                withSteps(gated("1"), R"([{"setWeight": 30}, {"pause": {"duration": "1s"}},
                                          {"analysis": {"gates": ["error-rate"]}}, {"setWeight": 100}])"));
    settle();
    setVersion("2");
    settle();
    ASSERT_EQ(phase(), "Paused");
    clock.advance(std::chrono::seconds(2));
    settle();
  }

  std::vector<std::string> announced;  // phases handed to the notifier, in order
  std::vector<std::string> log;        // route writes and Deployment deletions, in order
};

TEST_F(ReconcileTest, FirstReleaseIsPendingUntilAvailableThenPromoted) {
  server.seed(resources::kModelReleases, releaseObject("1"));
  ASSERT_TRUE(reconcile().ok());
  EXPECT_EQ(phase(), "Pending");
  EXPECT_EQ(status().value("stableVersion", ""), "1");
  kubelet();
  ASSERT_TRUE(reconcile().ok());
  EXPECT_EQ(phase(), "Promoted");
  EXPECT_EQ(announced, (std::vector<std::string>{"Promoted"}));  // a new release starts Pending: no change
}

TEST_F(ReconcileTest, NewVersionProgressesPausesAndIsPromotedOnRequest) {
  rolloutOfVersion2(releaseObject("1"));
  EXPECT_EQ(phase(), "Paused");
  EXPECT_EQ(routeWeight, 30);
  annotate("promote", "p1");
  settle();
  EXPECT_EQ(phase(), "Promoted");
  EXPECT_EQ(status().value("stableVersion", ""), "2");
  EXPECT_EQ(routeWeight, 0);  // all traffic on the new stable's Service
  EXPECT_EQ(announced, (std::vector<std::string>{"Promoted", "Progressing", "Paused", "Progressing", "Promoted"}));
}

TEST_F(ReconcileTest, APauseAfterAWeightStartsInThePassThatWroteTheWeight) {
  server.seed(resources::kModelReleases, releaseObject("1"));
  settle();
  setVersion("2");
  ASSERT_TRUE(reconcile().ok());  // the canary's Deployment, not yet available
  ASSERT_EQ(phase(), "Progressing");
  kubelet();
  const int writes = server.writes;
  log.clear();
  ASSERT_TRUE(reconcile().ok());
  EXPECT_EQ(log, (std::vector<std::string>{"route 30"})) << "the route is set once";
  EXPECT_EQ(phase(), "Paused") << "the weight was read back and the pause started in the same pass";
  EXPECT_EQ(server.writes, writes + 1) << "one status write";
  EXPECT_EQ(announced, (std::vector<std::string>{"Promoted", "Progressing", "Paused"}));
}

TEST_F(ReconcileTest, EveryPassEndsWithADebugLineOfItsWritesAndDuration) {
  server.seed(resources::kModelReleases, releaseObject("1"));
  ASSERT_TRUE(reconcile().ok());
  auto first = logged("reconciled");
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0]["writes"], server.writes) << "a first release's Deployment, Services and status";
  EXPECT_TRUE(first[0]["ms"].is_number());
}

TEST_F(ReconcileTest, APausedPassLogsWhenItComesBack) {
  rolloutOfVersion2(withSteps(releaseObject("1"), R"([{"setWeight": 30}, {"pause": {"duration": "1m"}}])"));
  ASSERT_EQ(phase(), "Paused");
  EXPECT_EQ(logged("reconciled").back()["requeueMs"], 60000) << "the pause's end";
}

TEST_F(ReconcileTest, ApprovalStepAwaitsApproval) {
  rolloutOfVersion2(withSteps(releaseObject("1"), R"([{"setWeight": 30}, {"approval": {"groups": ["managers"]}}, {"setWeight": 100}])"));
  EXPECT_EQ(phase(), "AwaitingApproval");
  EXPECT_EQ(routeWeight, 30);
}

// The approval is recorded once in status.approvals: by the planner that applied it, not again by
// the intake that accepted it.
TEST_F(ReconcileTest, AnAcceptedApprovalIsRecordedOnceAndAdvancesTheRelease) {
  rolloutOfVersion2(withSteps(releaseObject("1"), R"([{"setWeight": 30}, {"approval": {"users": ["alice"]}}, {"setWeight": 100}])"));
  ASSERT_EQ(phase(), "AwaitingApproval");
  server.reviewer = [](const k8s::ResourceType&, const Json&) -> Result<Json> {
    return Json{{"status", {{"allowed", true}}}};
  };
  server.seed(resources::kReleaseApprovals, Json::parse(R"({"apiVersion": "aviary.dev/v1alpha1",
      "kind": "ReleaseApproval", "metadata": {"name": "ok-1", "namespace": "ml"},
      "spec": {"release": "fraud", "decision": "approve", "approvedBy": "alice", "comment": "looks fine"}})"));
  settle();
  EXPECT_EQ(phase(), "Promoted");
  const Json approvals = status().value("approvals", Json::array());
  ASSERT_EQ(approvals.size(), 1u) << approvals.dump();
  EXPECT_EQ(approvals[0].value("name", ""), "ok-1");
  EXPECT_EQ(approvals[0].value("approvedBy", ""), "alice");
}

// A new rollout clears status.approvals; the approval that promoted the last one keeps its Accepted
// answer and is not judged again (it used to be re-judged and rewritten to Ignored).
TEST_F(ReconcileTest, AnEarlierRolloutsApprovalIsNeverJudgedAgain) {
  rolloutOfVersion2(withSteps(releaseObject("1"), R"([{"setWeight": 30}, {"approval": {"users": ["alice"]}}, {"setWeight": 100}])"));
  server.reviewer = [](const k8s::ResourceType&, const Json&) -> Result<Json> {
    return Json{{"status", {{"allowed", true}}}};
  };
  server.seed(resources::kReleaseApprovals, Json::parse(R"({"apiVersion": "aviary.dev/v1alpha1",
      "kind": "ReleaseApproval", "metadata": {"name": "ok-1", "namespace": "ml"},
      "spec": {"release": "fraud", "decision": "approve", "approvedBy": "alice"}})"));
  settle();
  ASSERT_EQ(phase(), "Promoted");
  ASSERT_EQ(server.stored(resources::kReleaseApprovals, kNs, "ok-1")["status"].value("phase", ""), "Accepted");
  setVersion("3");
  settle();
  EXPECT_EQ(phase(), "AwaitingApproval") << "version 3 waits for an approval of its own";
  EXPECT_EQ(server.stored(resources::kReleaseApprovals, kNs, "ok-1")["status"].value("phase", ""), "Accepted");
  EXPECT_EQ(status().value("approvals", Json::array()).size(), 0u);
}

// One left unanswered (the SubjectAccessReview was down) must not approve the next version.
TEST_F(ReconcileTest, AnApprovalMadeBeforeTheRolloutBeganIsIgnored) {
  rolloutOfVersion2(withSteps(releaseObject("1"), R"([{"setWeight": 30}, {"approval": {"users": ["alice"]}}, {"setWeight": 100}])"));
  ASSERT_EQ(phase(), "AwaitingApproval");
  server.reviewer = [](const k8s::ResourceType&, const Json&) -> Result<Json> {
    return Json{{"status", {{"allowed", true}}}};
  };
  Json stale = Json::parse(R"({"apiVersion": "aviary.dev/v1alpha1", "kind": "ReleaseApproval",
      "metadata": {"name": "old-1", "namespace": "ml"},
      "spec": {"release": "fraud", "decision": "approve", "approvedBy": "alice"}})");
  stale["metadata"]["creationTimestamp"] = formatRfc3339(clock.now() - std::chrono::hours(1));
  server.seed(resources::kReleaseApprovals, stale);
  settle();
  EXPECT_EQ(phase(), "AwaitingApproval");
  const Json answer = server.stored(resources::kReleaseApprovals, kNs, "old-1")["status"];
  EXPECT_EQ(answer.value("phase", ""), "Ignored");
  EXPECT_NE(answer.value("message", "").find("before this rollout began"), std::string::npos) << answer.dump();
}

// A SubjectAccessReview that cannot be asked (the API server unreachable) is an outage, not a verdict:
// the approval stays unanswered and the pass comes back for it by itself, as no watch event will.
TEST_F(ReconcileTest, AnApprovalTheSubjectAccessReviewCouldNotJudgeIsJudgedOnceItAnswers) {
  rolloutOfVersion2(withSteps(releaseObject("1"), R"([{"setWeight": 30}, {"approval": {"users": ["alice"]}}, {"setWeight": 100}])"));
  ASSERT_EQ(phase(), "AwaitingApproval");
  bool reviewsAnswer = false;
  server.reviewer = [&reviewsAnswer](const k8s::ResourceType&, const Json&) -> Result<Json> {
    if (!reviewsAnswer) return makeError(ErrorCode::Unavailable, "connection reset by peer");
    return Json{{"status", {{"allowed", true}}}};
  };
  server.seed(resources::kReleaseApprovals, Json::parse(R"({"apiVersion": "aviary.dev/v1alpha1",
      "kind": "ReleaseApproval", "metadata": {"name": "ok-1", "namespace": "ml"},
      "spec": {"release": "fraud", "decision": "approve", "approvedBy": "alice"}})"));
  auto outcome = reconcile();
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(phase(), "AwaitingApproval");
  EXPECT_FALSE(server.stored(resources::kReleaseApprovals, kNs, "ok-1").contains("status")) << "not answered: not judged";
  EXPECT_EQ(status().value("approvals", Json::array()).size(), 0u);
  ASSERT_TRUE(outcome->requeueAfter.has_value()) << "nothing else wakes a release awaiting approval";
  EXPECT_LE(*outcome->requeueAfter, kApprovalReviewRetryDelay);

  reviewsAnswer = true;
  clock.advance(*outcome->requeueAfter);
  settle();
  EXPECT_EQ(phase(), "Promoted");
  EXPECT_EQ(server.stored(resources::kReleaseApprovals, kNs, "ok-1")["status"].value("phase", ""), "Accepted");
}

// The answer on the ReleaseApproval is written after the release's status; one that fails is written
// by a later pass, woken for it, from the record in status.approvals; the approval is not judged again.
TEST_F(ReconcileTest, AnApprovalWhoseAnswerWasNotWrittenIsAnsweredByALaterPass) {
  rolloutOfVersion2(withSteps(releaseObject("1"), R"([{"setWeight": 30}, {"approval": {"users": ["alice"]}}, {"setWeight": 100}])"));
  ASSERT_EQ(phase(), "AwaitingApproval");
  int reviews = 0;
  server.reviewer = [&reviews](const k8s::ResourceType&, const Json&) -> Result<Json> {
    ++reviews;
    return Json{{"status", {{"allowed", false}, {"reason", "no approve right"}}}};
  };
  server.seed(resources::kReleaseApprovals, Json::parse(R"({"apiVersion": "aviary.dev/v1alpha1",
      "kind": "ReleaseApproval", "metadata": {"name": "bob-1", "namespace": "ml"},
      "spec": {"release": "fraud", "decision": "approve", "approvedBy": "bob"}})"));
  server.failNextOn("patch", resources::kReleaseApprovals, makeError(ErrorCode::Unavailable, "connection reset by peer"));
  auto outcome = reconcile();
  ASSERT_TRUE(outcome.ok());
  ASSERT_EQ(status().value("approvals", Json::array()).size(), 1u);
  EXPECT_FALSE(server.stored(resources::kReleaseApprovals, kNs, "bob-1").contains("status"));
  ASSERT_TRUE(outcome->requeueAfter.has_value()) << "nothing else wakes a release awaiting approval";
  EXPECT_LE(*outcome->requeueAfter, kApprovalReviewRetryDelay);

  clock.advance(*outcome->requeueAfter);
  settle();
  EXPECT_EQ(phase(), "AwaitingApproval");
  EXPECT_EQ(server.stored(resources::kReleaseApprovals, kNs, "bob-1")["status"].value("phase", ""), "Ignored");
  EXPECT_EQ(reviews, 1) << "judged once";
  EXPECT_EQ(status().value("approvals", Json::array()).size(), 1u);
}

TEST_F(ReconcileTest, AbortRollsBackInOnePassRouteFirst) {
  rolloutOfVersion2(releaseObject("1"));
  ON_CALL(mockApplier, deleteDeployment).WillByDefault([this](const workload::ReleaseRef& r, const std::string& v) {
    log.push_back("delete " + v);
    return Result<workload::WriteOutcome>(workload::WriteOutcome{});
  });
  log.clear();
  annotate("abort", "a1");
  ASSERT_TRUE(reconcile().ok());
  EXPECT_EQ(phase(), "RolledBack");
  EXPECT_EQ(status().value("rolledBackVersion", ""), "2");
  EXPECT_EQ(log, (std::vector<std::string>{"route 0", "delete 2"}));
  EXPECT_EQ(announced.back(), "RolledBack");
}

TEST_F(ReconcileTest, RollbackWaitsInRollingBackWhileTheRouteCannotMove) {
  rolloutOfVersion2(releaseObject("1"));
  ON_CALL(router, getRoutes).WillByDefault([](auto&&) -> Result<traffic::RouteState> {
    return makeError(ErrorCode::NotFound, "HTTPRoute ml/fraud not found");
  });
  annotate("abort", "a1");
  auto outcome = reconcile();
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(phase(), "RollingBack");
  EXPECT_NE(status().value("message", "").find("HTTPRoute ml/fraud not found"), std::string::npos);
  EXPECT_TRUE(outcome->requeueAfter.has_value());
  ON_CALL(router, getRoutes).WillByDefault([this](auto&&) -> Result<traffic::RouteState> {
    return traffic::RouteState{100 - routeWeight, routeWeight};
  });
  ASSERT_TRUE(reconcile().ok());
  EXPECT_EQ(phase(), "RolledBack");
  EXPECT_EQ(routeWeight, 0);
}

TEST_F(ReconcileTest, InvalidSpecActsOnNothingAndAFixedSpecResumes) {
  rolloutOfVersion2(releaseObject("1"));
  server.mutate(resources::kModelReleases, kNs, kName, [](Json& o) {
    o["spec"]["replicas"] = -1;
    o["metadata"]["generation"] = o["metadata"].value("generation", 1) + 1;
  });
  EXPECT_CALL(mockApplier, ensureDeployment).Times(0);
  EXPECT_CALL(mockApplier, ensureServices).Times(0);
  EXPECT_CALL(router, setRoutes).Times(0);
  ASSERT_TRUE(reconcile().ok());
  EXPECT_EQ(phase(), "Invalid");
  ::testing::Mock::VerifyAndClearExpectations(&mockApplier);
  server.mutate(resources::kModelReleases, kNs, kName, [](Json& o) {
    o["spec"]["replicas"] = 2;
    o["metadata"]["generation"] = o["metadata"].value("generation", 1) + 1;
  });
  ASSERT_TRUE(reconcile().ok());
  EXPECT_EQ(phase(), "Paused");
  EXPECT_EQ(routeWeight, 30);
}

Json condition(const Json& status, const std::string& type) {
  for (const Json& c : status.value("conditions", Json::array())) {
    if (c.value("type", "") == type) return c;
  }
  return Json::object();
}

// A split the router cannot express (e.g. a partial mirror on a CRD without percent) fails the pass;
// the release says why in Degraded, written once however often the pass is retried.
TEST_F(ReconcileTest, ARouteTheRouterCannotExpressMarksTheReleaseDegradedOnce) {
  server.seed(resources::kModelReleases, releaseObject("1"));
  settle();
  ASSERT_EQ(phase(), "Promoted");
  ON_CALL(router, setRoutes).WillByDefault([](auto&&...) -> Result<workload::WriteOutcome> {
    return makeError(ErrorCode::InvalidSpec, "HTTPRoute ml/fraud: mirroring 30% of requests needs requestMirror.percent");
  });
  setVersion("2");
  bool failed = false;
  for (int pass = 0; pass < 5 && !failed; ++pass) {  // the canary's Deployment comes up, then the route
    kubelet();
    failed = !reconcile().ok();
  }
  ASSERT_TRUE(failed);
  const Json degraded = condition(status(), "Degraded");
  EXPECT_EQ(degraded.value("status", ""), "True");
  EXPECT_EQ(degraded.value("reason", ""), "TrafficRoutingFailed");
  EXPECT_NE(degraded.value("message", "").find("requestMirror.percent"), std::string::npos);
  EXPECT_EQ(phase(), "Progressing");
  EXPECT_EQ(status().value("canaryWeight", 0), 0);  // the weight the failed pass planned is not claimed
  const int before = server.writes;
  ASSERT_FALSE(reconcile().ok());
  EXPECT_EQ(server.writes, before);  // the retry finds the condition already there
}

TEST_F(ReconcileTest, AConflictingStatusWriteFailsThePassAndTheNextOneWritesIt) {
  rolloutOfVersion2(releaseObject("1"));
  annotate("abort", "a1");
  const std::size_t announcedBefore = announced.size();
  server.failNext("patch", makeError(ErrorCode::Conflict, "the object has been modified"));  // the status patch
  auto failed = reconcile();
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, ErrorCode::Conflict);
  EXPECT_EQ(phase(), "Paused");                           // not written
  EXPECT_EQ(announced.size(), announcedBefore);           // nothing announced that is not written
  EXPECT_EQ(annotations().value(api::kRequestIdAnnotation, ""), "a1");  // not cleared before the status says handled
  ASSERT_TRUE(reconcile().ok());
  EXPECT_EQ(phase(), "RolledBack");
  EXPECT_EQ(status().value("lastHandledRequest", ""), "a1");
  EXPECT_FALSE(annotations().contains(api::kRequestIdAnnotation));
  EXPECT_EQ(announced.back(), "RolledBack");
}

TEST_F(ReconcileTest, AWriteFailingInTheMiddleOfAPassStopsItAndTheNextPassFinishes) {
  server.seed(resources::kModelReleases, releaseObject("1"));
  settle();
  setVersion("2");
  EXPECT_CALL(mockApplier, ensureServices)
      .WillOnce(Return(Result<workload::WriteOutcome>(makeError(ErrorCode::Unavailable, "apiserver went away"))))
      .WillRepeatedly([this](auto&&... a) { return realApplier()->ensureServices(a...); });
  EXPECT_CALL(events, record(_, _, _, _, _)).Times(AnyNumber());
  EXPECT_CALL(events, record(_, runtime::EventType::Warning, "ActionFailed", _, _));
  EXPECT_CALL(router, setRoutes).Times(0);
  auto failed = reconcile();
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, ErrorCode::Unavailable);
  EXPECT_EQ(phase(), "Promoted");  // status untouched: the next pass re-plans from it
  EXPECT_EQ(status().value("canaryVersion", ""), "");
  EXPECT_TRUE(server.has(resources::kDeployments, kNs, "fraud-2"));  // the write before the failure stays
  ::testing::Mock::VerifyAndClearExpectations(&router);
  settle();
  EXPECT_EQ(phase(), "Paused");
  EXPECT_EQ(routeWeight, 30);
}

TEST_F(ReconcileTest, AFailingMeasurementRollsBackInThePassThatTookItRouteFirst) {
  ON_CALL(*metrics, fetch).WillByDefault([](auto&&...) { return Result<analysis::MetricValue>(analysis::Scalar{0.5}); });
  ON_CALL(mockApplier, deleteDeployment).WillByDefault([this](const workload::ReleaseRef& r, const std::string& v) {
    log.push_back("delete " + v);
    return realApplier()->deleteDeployment(r, v);
  });
  rolloutOfVersion2(gated("1"));
  EXPECT_EQ(phase(), "RolledBack");
  EXPECT_NE(status().value("message", "").find("error-rate"), std::string::npos);
  ASSERT_GE(log.size(), 3u);
  EXPECT_EQ(std::vector<std::string>(log.end() - 3, log.end()), (std::vector<std::string>{"route 30", "route 0", "delete 2"}));
  // Progressing at 30% → the measurement → RolledBack: never RollingBack, never a pass at 30% with a verdict.
  EXPECT_EQ(announced, (std::vector<std::string>{"Promoted", "Progressing", "RolledBack"}));
}

// In the operator a pass never waits on Prometheus: the look goes to the measurement pool, the pass
// writes what it knows and returns, and the pool's wake-up brings the pass that rolls back, route first.
TEST_F(ReconcileTest, APassNeverWaitsOnAMeasurementAndTheWokenPassRollsBackRouteFirst) {
  measureInBackground();
  int fetches = 0;
  ON_CALL(*metrics, fetch).WillByDefault([&fetches](auto&&...) {
    ++fetches;
    return Result<analysis::MetricValue>(analysis::Scalar{0.5});
  });
  rolloutOfVersion2(gated("1"));
  EXPECT_EQ(fetches, 0) << "a pass fetched";
  EXPECT_EQ(phase(), "Progressing");
  EXPECT_EQ(routeWeight, 30);
  ASSERT_EQ(measurements.pending(), 1u);

  clock.advance(std::chrono::seconds(1));
  EXPECT_EQ(measurements.runQueued(), 1u);
  EXPECT_EQ(fetches, 1);
  EXPECT_EQ(woken, (std::vector<std::string>{std::string(kNs) + "/" + kName}));
  settle();
  EXPECT_EQ(phase(), "RolledBack");
  EXPECT_EQ(routeWeight, 0);
  EXPECT_EQ(fetches, 1) << "the look was judged once, from the pool";
}

// The rollback reaction's log line splits it: waiting for the pass, in the pass before its traffic
// writes, and in those writes.
TEST_F(ReconcileTest, ARollbackReactionSaysWhereItWent) {
  measureInBackground();
  ON_CALL(*metrics, fetch).WillByDefault([](auto&&...) { return Result<analysis::MetricValue>(analysis::Scalar{0.5}); });
  rolloutOfVersion2(gated("1"));
  clock.advance(std::chrono::seconds(1));
  ASSERT_EQ(measurements.runQueued(), 1u);  // the failing look is in hand now
  clock.advance(std::chrono::milliseconds(30));
  ON_CALL(router, setRoutes).WillByDefault([this](const traffic::RouteTarget&, const traffic::TrafficSplit& split) {
    clock.advance(std::chrono::milliseconds(40));  // the route write's round trip
    routeWeight = split.canaryWeight;
    workload::WriteOutcome outcome;
    outcome.add({"HTTPRoute", kNs, kName, "patch", ""});
    return Result<workload::WriteOutcome>(outcome);
  });
  settle();
  ASSERT_EQ(phase(), "RolledBack");
  auto lines = logged("rollback reaction");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].value("beforePassMs", -1), 30);
  EXPECT_EQ(lines[0].value("writesMs", -1), 40);
  EXPECT_EQ(lines[0].value("ms", -1), 70);
  EXPECT_FALSE(lines[0].value("replicaRatio", true));
}

// A failing look that finds the cache behind the operator's own last write waits for the watch to
// deliver it; the reaction's log line says how long, and the metric counts the pass that waited.
TEST_F(ReconcileTest, ARollbackReactionSaysHowLongItWaitedForTheWatch) {
  measureInBackground();
  ON_CALL(*metrics, fetch).WillByDefault([](auto&&...) { return Result<analysis::MetricValue>(analysis::Scalar{0.5}); });
  telemetry::MetricsRegistry registry;
  telemetry::OperatorMetrics operatorMetrics(registry, "test");
  useMetrics(&operatorMetrics);
  rolloutOfVersion2(gated("1"));
  clock.advance(std::chrono::seconds(1));
  ASSERT_EQ(measurements.runQueued(), 1u);  // the failing look is in hand
  ownWriteTheWatchHasNotDelivered();
  clock.advance(std::chrono::milliseconds(20));
  const int writes = server.writes;
  ASSERT_TRUE(reconcileWithoutSync().ok());  // woken, but the cache is behind
  ASSERT_EQ(server.writes, writes);
  clock.advance(std::chrono::milliseconds(15));
  settle();  // the watch delivers the write; the woken pass rolls back
  ASSERT_EQ(phase(), "RolledBack");
  auto lines = logged("rollback reaction");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].value("beforePassMs", -1), 35);
  EXPECT_EQ(lines[0].value("cacheBehindMs", -1), 15);
  EXPECT_EQ(operatorMetrics.cacheBehind.withLabels().value(), 1);
}

// A reaction that found the cache current says nothing of waiting for the watch.
TEST_F(ReconcileTest, ARollbackReactionWithTheCacheCurrentWaitedForNoWatch) {
  measureInBackground();
  ON_CALL(*metrics, fetch).WillByDefault([](auto&&...) { return Result<analysis::MetricValue>(analysis::Scalar{0.5}); });
  rolloutOfVersion2(gated("1"));
  clock.advance(std::chrono::seconds(1));
  ASSERT_EQ(measurements.runQueued(), 1u);
  settle();
  ASSERT_EQ(phase(), "RolledBack");
  auto lines = logged("rollback reaction");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_FALSE(lines[0].contains("cacheBehindMs")) << lines[0].dump();
}

// A canary that took no traffic (the replica ratio without pods: its weight is 0) is rolled back
// moving nobody: its Deployment writes are no reaction to time.
TEST_F(ReconcileTest, ARollbackThatMovesNoUsersHasNoReaction) {
  measureInBackground();
  ON_CALL(*metrics, fetch).WillByDefault([](auto&&...) { return Result<analysis::MetricValue>(analysis::Scalar{0.5}); });
  Json noPods = gated("1");
  noPods["spec"]["replicas"] = 0;
  noPods["spec"]["strategy"]["canary"].erase("trafficRouting");
  rolloutOfVersion2(noPods);
  clock.advance(std::chrono::seconds(1));
  ASSERT_EQ(measurements.runQueued(), 1u);
  settle();
  ASSERT_EQ(phase(), "RolledBack");
  EXPECT_FALSE(server.has(resources::kDeployments, kNs, workload::deploymentName(kName, "2")));
  EXPECT_TRUE(logged("rollback reaction").empty());
}

// A blue-green switch back to the previous version moves every user: its Services write is the
// rollback's reaction, and goes ahead of the client's rate-limit queue as a route write would.
TEST_F(ReconcileTest, ABlueGreenSwitchBackIsUrgentAndIsTheReaction) {
  measureInBackground();
  ON_CALL(*metrics, fetch).WillByDefault([](auto&&...) { return Result<analysis::MetricValue>(analysis::Scalar{0.5}); });
  Json verified = gated("1");
  verified["spec"]["strategy"] = Json::parse(R"({"blueGreen": {"autoPromote": true, "previewReplicas": 1,
      "scaleDownDelay": "0s", "postPromotionAnalysis": {"gates": ["error-rate"]}}})");
  rolloutOfVersion2(verified);
  ASSERT_EQ(status().value("stableVersion", ""), "2") << "switched, and verifying";
  std::vector<std::pair<std::string, bool>> servicesWrites;  // stable version, urgent
  ON_CALL(mockApplier, ensureServices).WillByDefault([&](const api::ModelRelease& r, const std::string& stable, const std::string& canary) {
    servicesWrites.emplace_back(stable, UrgentScope::active());
    return realApplier()->ensureServices(r, stable, canary);
  });
  clock.advance(std::chrono::seconds(1));
  ASSERT_EQ(measurements.runQueued(), 1u);
  settle();
  ASSERT_EQ(phase(), "RolledBack");
  EXPECT_EQ(status().value("stableVersion", ""), "1");
  ASSERT_FALSE(servicesWrites.empty());
  EXPECT_EQ(servicesWrites.front(), (std::pair<std::string, bool>{"1", true}));
  EXPECT_EQ(logged("rollback reaction").size(), 1u);
}

TEST_F(ReconcileTest, APassBehindItsOwnWriteActsOnNothingAndIsWokenFirstWhenTheWatchDeliversIt) {
  rolloutOfVersion2(releaseObject("1"));
  annotate("promote", "p1");
  ASSERT_TRUE(reconcile().ok());  // writes the status: the informers have not seen it yet
  const std::string key = std::string(kNs) + "/" + kName;
  const int writes = server.writes;
  woken.clear();

  auto outcome = reconcileWithoutSync();  // the cache is behind our write
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(server.writes, writes) << "acted on its own stale past";
  ASSERT_TRUE(outcome->requeueAfter.has_value());
  EXPECT_GE(*outcome->requeueAfter, std::chrono::seconds(1)) << "the retry only covers a watch that is down";
  EXPECT_TRUE(woken.empty());

  sync();  // the watch delivers the write
  EXPECT_EQ(woken, (std::vector<std::string>{key}));
  sync();
  EXPECT_EQ(woken.size(), 1u) << "woken once per stale pass";
}

// "The first look": the pass that starts the analysis writes nothing while its first look is fetched;
// the pass the look wakes writes the stage's start and its outcome at once.
TEST_F(ReconcileTest, AStageStartWaitingForItsFirstLookIsWrittenWithTheLooksOutcome) {
  toTheAnalysisStepAfterAPause(0.01);  // the pass that starts the analysis holds, its phase Event too
  ASSERT_EQ(measurements.pending(), 1u);
  EXPECT_EQ(phase(), "Paused");
  EXPECT_FALSE(status().contains("gates")) << "the stage's start was written before its first look: " << status().dump();

  const int writes = server.writes;
  EXPECT_EQ(measurements.runQueued(), 1u);
  ASSERT_TRUE(reconcile().ok());  // the woken pass
  EXPECT_EQ(server.writes, writes + 2) << "the route to 100% and one status write";
  const Json gate = status()["gates"][0];
  EXPECT_EQ(gate["measurements"].size(), 1u);
  EXPECT_EQ(gate.value("verdict", ""), "Pass");
  settle();
  EXPECT_EQ(phase(), "Promoted");
  EXPECT_EQ(announced, (std::vector<std::string>{"Promoted", "Progressing", "Paused", "Progressing", "Promoted"}));
}

TEST_F(ReconcileTest, ASlowFirstLookHoldsTheStageStartOnceThenTheStartIsWrittenAndTheLookStillCounts) {
  toTheAnalysisStepAfterAPause(0.5);
  ASSERT_FALSE(status().contains("gates"));

  clock.advance(std::chrono::seconds(1));  // the held pass's recheck, the look still in flight
  ASSERT_TRUE(reconcile().ok());
  ASSERT_TRUE(status().contains("gates")) << "a stage is held once";
  EXPECT_EQ(status()["gates"][0]["measurements"].size(), 0u);
  EXPECT_EQ(phase(), "Progressing");
  EXPECT_EQ(measurements.pending(), 1u) << "the first look is not asked for twice";

  EXPECT_EQ(measurements.runQueued(), 1u);
  settle();
  EXPECT_EQ(phase(), "RolledBack") << "the look handed out before the start was written is the one judged";
  EXPECT_EQ(routeWeight, 0);
}

TEST_F(ReconcileTest, AnAbortCancelsTheLookItNoLongerNeeds) {
  measureInBackground();
  rolloutOfVersion2(gated("1"));
  ASSERT_EQ(measurements.pending(), 1u);
  annotate("abort", "req-1");
  settle();
  EXPECT_EQ(phase(), "RolledBack");
  EXPECT_EQ(measurements.pending(), 0u);
  EXPECT_EQ(measurements.runQueued(), 0u);
}

TEST_F(ReconcileTest, APassingMeasurementPromotes) {
  ON_CALL(*metrics, fetch).WillByDefault([](auto&&...) { return Result<analysis::MetricValue>(analysis::Scalar{0.01}); });
  rolloutOfVersion2(gated("1"));
  EXPECT_EQ(phase(), "Promoted");
  EXPECT_EQ(status().value("stableVersion", ""), "2");
}

TEST_F(ReconcileTest, TheRegistryVetoesAMissingVersionAndRecordsThePromotion) {
  Json release = releaseObject("1");
  release["spec"]["registry"] = {{"mlflow", {{"url", "http://mlflow.test"}}}};
  server.seed(resources::kModelReleases, release);
  settle();
  ASSERT_EQ(phase(), "Promoted");
  EXPECT_CALL(modelRegistry, getModelVersion(_, _)).Times(AnyNumber());
  EXPECT_CALL(modelRegistry, getModelVersion("fraud", "2"))
      .WillRepeatedly(Return(Result<registry::ModelVersionInfo>(makeError(ErrorCode::NotFound, "no version 2"))));
  setVersion("2");
  settle();
  EXPECT_EQ(phase(), "Promoted");
  EXPECT_FALSE(server.has(resources::kDeployments, kNs, "fraud-2"));
  EXPECT_NE(status().value("message", "").find("not found in the registry"), std::string::npos);
  ::testing::Mock::VerifyAndClearExpectations(&modelRegistry);
  EXPECT_CALL(modelRegistry, setAlias(_, _, _)).Times(AnyNumber());
  EXPECT_CALL(modelRegistry, setAlias("fraud", "champion", "2")).WillOnce(Return(okStatus()));
  setVersion("2");  // any edit retries
  settle();
  annotate("promote", "p1");
  settle();
  EXPECT_EQ(phase(), "Promoted");
  EXPECT_EQ(status().value("stableVersion", ""), "2");
  EXPECT_TRUE(status().value("registrySync", Json::array()).empty()) << status().dump();
}

}  // namespace
}  // namespace aviary::controller::testing
