#include "aviary/controller/release_reconciler.h"

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstdio>
#include <random>
#include <set>
#include <utility>

#include "aviary/api/decode.h"
#include "aviary/api/router_kinds.h"
#include "aviary/api/validate.h"
#include "aviary/common/urgent_scope.h"
#include "aviary/controller/analysis_stages.h"
#include "aviary/controller/approval_intake.h"
#include "aviary/controller/merge_patch.h"
#include "aviary/controller/observe.h"
#include "aviary/notify/notification.h"
#include "aviary/registry/decision_record.h"
#include "aviary/registry/run_outbox.h"
#include "aviary/registry/outbox.h"
#include "aviary/telemetry/operator_metrics.h"

namespace aviary::controller {

using Json = nlohmann::json;

struct ReleaseReconciler::Pass {
  explicit Pass(runtime::Logger scoped) : log(std::move(scoped)) {}
  runtime::Logger log;  // each line carries release, reconcile_id and phase
  std::string key;
  Json object;
  api::ModelRelease release;
  TimePoint now;
  release::Observed observed;
  std::vector<api::GateStatus> gates;
  std::optional<TimePoint> nextMeasurement;
  std::vector<analysis::TakenMeasurement> taken;
  std::string stageAwaitingFirstLook;  // started this pass, its first look being fetched
  bool routeWritten = false;  // the router wrote the route this pass
  bool eventsLater = false;   // the plan's Events are recorded after the route's read-back
  std::set<std::string> acted;  // release::describe of the actions done, so a re-plan does none twice
  std::vector<api::ApprovalRecord> newApprovals;
  std::vector<api::ApprovalRecord> unansweredApprovals;  // judged in an earlier pass; the object not answered
  traffic::RouterPtr router;  // null for blue-green (its Services are the switch) and invalid specs
  bool replicaRatio = false;  // the planner's replica counts are the split: SetTraffic writes nothing
  registry::ModelRegistryPtr registry;
  std::optional<TimePoint> registryRetryAt;
  std::optional<TimePoint> approvalRetryAt;  // an approval not judged (review outage) or not answered yet
  std::map<std::string, std::string> liveUris;  // MODEL_URI on the live Deployments, by version
  release::Plan plan;
  api::ModelReleaseStatus status;  // what is written
  int writes = 0;
  // For aviary_rollback_reaction_seconds: when a failing measurement came back, when the pass's first
  // write moving users was sent, and when its last was acknowledged.
  std::optional<TimePoint> failedMeasurementAt;
  std::optional<TimePoint> trafficWritesSentAt;
  std::optional<TimePoint> trafficMovedAt;
  std::optional<TimePoint> cacheBehindSince;  // earlier passes found the cache behind our own write since then
};

namespace {

// A pass that found the cache behind our own write retries after this; with wakeFirst, the watch
// normally wakes it long before, and the retry only covers a watch that is down.
constexpr Duration kStaleCacheRetry{200};
constexpr Duration kStaleCacheRetryWithWatch{2000};

template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};

api::TrafficRouting routingOf(const api::ModelRelease& r) {
  return r.spec.strategy.canary ? r.spec.strategy.canary->trafficRouting : api::TrafficRouting{};
}

// A version is about to be rolled out (or waits to be): the registry must know it.
bool versionPending(const api::ModelRelease& r) {
  const auto& v = r.spec.model.version;
  return v != r.status.stableVersion && v != r.status.canaryVersion && v != r.status.rolledBackVersion;
}

runtime::EventType eventType(release::EventType type) {
  return type == release::EventType::Warning ? runtime::EventType::Warning : runtime::EventType::Normal;
}

// The MODEL_URI env of a Deployment's first container, if set.
std::optional<std::string> modelUriEnv(const Json& deployment) {
  const Json containers = deployment.value("/spec/template/spec/containers"_json_pointer, Json::array());
  if (containers.empty()) return std::nullopt;
  for (const auto& env : containers[0].value("env", Json::array())) {
    if (env.value("name", "") == "MODEL_URI" && env.contains("value")) return env["value"].get<std::string>();
  }
  return std::nullopt;
}

Duration until(TimePoint at, TimePoint now) {
  return at > now ? std::chrono::duration_cast<Duration>(at - now) : Duration{0};
}

double secondsBetween(TimePoint from, TimePoint to) { return std::chrono::duration<double>(to - from).count(); }
int64_t millisBetween(TimePoint from, TimePoint to) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count();
}

// When the first failing measurement among taken was in hand (rollback reaction counts from there).
std::optional<TimePoint> firstFailureAt(const std::vector<analysis::TakenMeasurement>& taken) {
  std::optional<TimePoint> first;
  for (const auto& t : taken) {
    if (t.measurement.verdict == api::Verdict::Fail && (!first || t.readyAt < *first)) first = t.readyAt;
  }
  return first;
}

// Whether an action, once acknowledged, has moved traffic: a router's route write; with the replica
// ratio the Deployment writes (the pods are the split); for blue-green (no router) the Services switch.
bool movesTraffic(const release::Action& action, const traffic::Router* router, bool replicaRatio) {
  if (replicaRatio) {
    return std::holds_alternative<release::EnsureDeployment>(action) ||
           std::holds_alternative<release::ScaleDeployment>(action) ||
           std::holds_alternative<release::DeleteDeployment>(action);
  }
  if (router) return std::holds_alternative<release::SetTraffic>(action);
  return std::holds_alternative<release::EnsureServices>(action);
}

template <class A>
concept WorkloadAction = std::same_as<A, release::EnsureDeployment> || std::same_as<A, release::ScaleDeployment> ||
                         std::same_as<A, release::DeleteDeployment> || std::same_as<A, release::EnsureServices>;

bool isWorkloadAction(const release::Action& action) {
  return std::visit([](const auto& a) { return WorkloadAction<std::decay_t<decltype(a)>>; }, action);
}

// The plan's actions this pass has not done yet, in order, each in a group of its own. Away from the
// canary each run of workload writes goes at once, in up to two groups: the writes that move traffic,
// then the rest (with the replica ratio the canary Service follows the Deployments: the root Service
// carries the users, so the rollback's reaction does not wait on it). Planned again after the
// read-back, what the pass did already is not done twice (a Deployment it deleted is still in the
// cache, and deleting it again would cost a request).
std::vector<std::vector<const release::Action*>> actionGroups(const release::Plan& plan, std::set<std::string>& acted,
                                                              const traffic::Router* router, bool replicaRatio) {
  std::vector<std::vector<const release::Action*>> groups;
  std::vector<const release::Action*> moving, rest;  // the run of workload writes being gathered
  auto closeRun = [&] {
    for (auto* run : {&moving, &rest}) {
      if (!run->empty()) groups.push_back(std::exchange(*run, {}));
    }
  };
  for (const auto& action : plan.actions) {
    if (!acted.insert(release::describe(action)).second) continue;
    if (plan.trafficLeavesCanary && isWorkloadAction(action)) {
      (movesTraffic(action, router, replicaRatio) ? moving : rest).push_back(&action);
    } else {
      closeRun();
      groups.push_back({&action});
    }
  }
  closeRun();
  return groups;
}

// Observes the time a reconcile pass took into aviary_reconcile_duration_seconds, on every return path.
class PassTimer {
 public:
  PassTimer(telemetry::OperatorMetrics* metrics, const Clock& clock)
      : metrics_(metrics), clock_(clock), start_(clock.now()) {}
  ~PassTimer() {
    if (metrics_) metrics_->reconcileDuration.observe(secondsBetween(start_, clock_.now()));
  }
  // Milliseconds so far, to a tenth.
  double elapsedMs() const { return std::round(10000.0 * secondsBetween(start_, clock_.now())) / 10.0; }
  PassTimer(const PassTimer&) = delete;
  PassTimer& operator=(const PassTimer&) = delete;

 private:
  telemetry::OperatorMetrics* metrics_;
  const Clock& clock_;
  TimePoint start_;
};

}  // namespace

// The version's model URI from the registry (cached: a version's source never changes). While the
// registry is unreachable, the URI the live Deployment already carries, so an outage never rewrites pods.
std::optional<std::string> ReleaseReconciler::modelUri(Pass& pass, const std::string& version) {
  if (!pass.registry) return std::nullopt;
  auto live = pass.liveUris.find(version);
  const auto& spec = pass.release.spec;
  const std::string cacheKey = spec.registry.mlflow->url + "/" + spec.model.name + "/" + version;
  {
    std::lock_guard lock(uriMutex_);
    if (auto it = modelUris_.find(cacheKey); it != modelUris_.end()) return it->second;
  }
  auto info = pass.registry->getModelVersion(spec.model.name, version);
  if (!info.ok() || info->source.empty()) {
    if (live != pass.liveUris.end()) return live->second;
    return std::nullopt;
  }
  std::lock_guard lock(uriMutex_);
  modelUris_[cacheKey] = info->source;
  return info->source;
}

void ReleaseReconciler::observe(Pass& pass) {
  auto& observed = pass.observed;
  observed.specErrors = api::check(pass.object, pass.release);
  if (!observed.specErrors.empty()) return;
  const auto& release = pass.release;
  const auto& meta = release.metadata;

  pass.registry = deps_.registries ? deps_.registries(release) : nullptr;
  std::vector<Json> deployments;
  for (const auto& d : deps_.deployments.store().byIndex(kReleaseIndex, meta.namespace_ + "/" + meta.name)) {
    deployments.push_back(*d);
    const std::string version = (*d)["metadata"].value("labels", Json::object()).value(api::kVersionLabel, std::string());
    if (auto uri = modelUriEnv(*d)) pass.liveUris[version] = *uri;
  }
  observed.deployments =
      deploymentsByVersion(deployments, release, [&](const std::string& version) { return modelUri(pass, version); });
  observed.services = observeServices(release, [this](const std::string& key) { return deps_.services.get(key); });

  if (!api::isBlueGreen(release.spec)) {
    const api::RouterDescriptor& kind = api::routerOf(routingOf(release));
    pass.replicaRatio = kind.podsAreTheSplit();
    auto router = deps_.routers.make(kind.kind, deps_.client);
    if (!router.ok()) {
      observed.router = {false, router.error().message, std::nullopt, std::nullopt, std::nullopt};
    } else {
      pass.router = std::move(*router);
      // A mesh route must exist before the first release; the replica ratio has nothing to read until then.
      if (!release.status.stableVersion.empty() || !pass.replicaRatio) observeRoutes(pass);
    }
  }

  observed.request = release::requestFromAnnotations(meta);

  std::vector<runtime::ObjectPtr> approvals = deps_.approvals.store().byIndex(kReleaseIndex, meta.namespace_ + "/" + meta.name);
  auto intake = takeApprovals(release, approvals, deps_.client, pass.now);
  observed.approvals = std::move(intake.decisions);
  pass.newApprovals = std::move(intake.records);
  pass.unansweredApprovals = std::move(intake.unanswered);
  if (!intake.reviewFailure.empty()) {
    pass.log.warn("approval not judged; will retry", {{"error", intake.reviewFailure}});
    pass.approvalRetryAt = pass.now + kApprovalReviewRetryDelay;
  }

  if (pass.registry && versionPending(release)) {
    auto info = pass.registry->getModelVersion(release.spec.model.name, release.spec.model.version);
    if (info.ok()) {
      observed.registry = info->state == registry::VersionState::Ready ? release::RegistryReadiness::Ready
                                                                        : release::RegistryReadiness::NotReady;
      observed.registryMessage = info->statusMessage;
    } else {
      observed.registry = info.error().code == ErrorCode::NotFound ? release::RegistryReadiness::NotFound
                                                                    : release::RegistryReadiness::Unavailable;
      observed.registryMessage = info.error().message;
    }
  }

  pass.gates = release.status.gates;
  auto stages = runStages(deps_.analysis, release, pass.gates, pass.now);
  observed.analyses = std::move(stages.verdicts);
  pass.nextMeasurement = stages.nextDue;
  pass.taken = std::move(stages.taken);
  pass.failedMeasurementAt = firstFailureAt(pass.taken);
}

void ReleaseReconciler::observeRoutes(Pass& pass) {
  auto& observed = pass.observed;
  auto state = pass.router->getRoutes(traffic::routeTarget(pass.release));
  if (!state.ok()) {
    observed.router = {false, state.error().message, std::nullopt, std::nullopt, std::nullopt};
    return;
  }
  observed.router = {true, "", state->canaryWeight, state->mirrorPercent, state->headerMatches};
}

// Plans; when the plan starts an analysis stage, runs its first measurement at once and plans again
// with the verdict, so a failing canary can be rolled back in the same pass.
void ReleaseReconciler::planWithAnalysis(Pass& pass) {
  for (int round = 0; round < 3; ++round) {
    pass.plan = release::plan(pass.release, pass.observed, pass.now);
    bool started = false;
    for (const auto& action : pass.plan.actions) {
      const auto* start = std::get_if<release::StartAnalysis>(&action);
      if (!start || pass.observed.analyses.count(start->stage)) continue;
      auto result = startStage(deps_.analysis, pass.release, *start, pass.gates, pass.now);
      pass.observed.analyses.insert(result.verdicts.begin(), result.verdicts.end());
      if (result.nextDue && (!pass.nextMeasurement || *result.nextDue < *pass.nextMeasurement)) {
        pass.nextMeasurement = result.nextDue;
      }
      pass.taken.insert(pass.taken.end(), result.taken.begin(), result.taken.end());
      if (!pass.failedMeasurementAt) pass.failedMeasurementAt = firstFailureAt(result.taken);
      if (result.lookPending) pass.stageAwaitingFirstLook = start->stage;
      started = true;
    }
    if (!started) return;
  }
}

// A Deployment or Services action as a write that may run on another thread: what it needs from the
// pass (the model URI) is read here, on the pass's thread. Null for the other actions.
workload::Write ReleaseReconciler::workloadWrite(Pass& pass, const release::Action& action) {
  workload::WorkloadApplier& applier = deps_.applier;
  const api::ModelRelease& release = pass.release;
  const auto ref = workload::releaseRef(release);
  return std::visit(
      Overloaded{
          [&](const release::EnsureDeployment& a) -> workload::Write {
            return [&applier, &release, a, uri = modelUri(pass, a.version)] {
              return applier.ensureDeployment(release, a.version, a.replicas, uri);
            };
          },
          [&](const release::ScaleDeployment& a) -> workload::Write {
            return [&applier, ref, a] { return applier.scaleDeployment(ref, a.version, a.replicas); };
          },
          [&](const release::DeleteDeployment& a) -> workload::Write {
            return [&applier, ref, a] { return applier.deleteDeployment(ref, a.version); };
          },
          [&](const release::EnsureServices& a) -> workload::Write {
            return [&applier, &release, a] { return applier.ensureServices(release, a.stableVersion, a.canaryVersion); };
          },
          [](const auto&) -> workload::Write { return nullptr; },
      },
      action);
}

// Every kind of action has its line here: std::visit does not compile when one is missing.
Status ReleaseReconciler::actOne(Pass& pass, const release::Action& action) {
  auto counted = [&pass](const Result<workload::WriteOutcome>& r) -> Status {
    if (!r.ok()) return r.error();
    pass.writes += static_cast<int>(r->count());
    return okStatus();
  };
  return std::visit(
      Overloaded{
          [&](const WorkloadAction auto&) { return counted(workloadWrite(pass, action)()); },
          [&](const release::SetTraffic& a) {
            // Blue-green: the Services switched above. The replica ratio gets no SetTraffic: the
            // planner's Deployment actions are its split (release/topology.cc).
            if (!pass.router) return okStatus();
            api::ModelRelease target = pass.release;
            target.status = pass.plan.status;
            auto written = pass.router->setRoutes(traffic::routeTarget(target), {a.stableVersion, a.canaryVersion, a.canaryWeight, a.mirrorPercent, a.headerRoutes});
            if (written.ok() && written->count() > 0) pass.routeWritten = true;
            return counted(written);
          },
          [&](const release::StartAnalysis&) { return okStatus(); },  // started while planning (planWithAnalysis)
          [&](const release::StopAnalysis& a) {
            stopStage(a.stage, pass.gates);
            deps_.analysis.cancel(pass.key, a.stage);
            return okStatus();
          },
          [&](const release::RecordEvent& a) {
            if (!pass.eventsLater) recordEvent(pass, a);
            return okStatus();
          },
          [&](const release::MarkRequestHandled&) { return okStatus(); },  // after the status write: clearRequests
      },
      action);
}

// A group's writes sent at once; every one that succeeded is counted, and the first that failed is
// returned with its action in `failed`.
Status ReleaseReconciler::actAtOnce(Pass& pass, const std::vector<const release::Action*>& group,
                                    const release::Action*& failed) {
  std::vector<workload::Write> writes;
  for (const auto* action : group) writes.push_back(workloadWrite(pass, *action));
  auto results = workload::writeAtOnce(writes);
  Status first = okStatus();
  for (size_t i = 0; i < results.size(); ++i) {
    if (results[i].ok()) {
      pass.writes += static_cast<int>(results[i]->count());
    } else if (first.ok()) {
      first = results[i].error();
      failed = group[i];
    }
  }
  return first;
}

Status ReleaseReconciler::act(Pass& pass) {
  for (const auto& group : actionGroups(pass.plan, pass.acted, pass.router.get(), pass.replicaRatio)) {
    const bool movingTraffic = std::any_of(group.begin(), group.end(), [&pass](const release::Action* a) {
      return movesTraffic(*a, pass.router.get(), pass.replicaRatio);
    });
    // Traffic leaving the canary, or a rollback's switch back to the previous version, goes ahead of
    // the client's rate-limit queue.
    const bool rollbackMovesUsers = pass.plan.usersMove && api::rollingOrRolledBack(pass.plan.status.phase);
    const UrgentScope urgent(movingTraffic && (pass.plan.trafficLeavesCanary || rollbackMovesUsers));
    // The rollback reaction is timed to writes that move users (a canary without traffic moves none).
    const bool movingUsers = movingTraffic && pass.plan.usersMove;
    if (movingUsers && !pass.trafficWritesSentAt) pass.trafficWritesSentAt = deps_.clock.now();
    const release::Action* failed = group.front();
    auto done = group.size() == 1 ? actOne(pass, *failed) : actAtOnce(pass, group, failed);
    if (!done.ok()) {
      pass.log.warn("action failed", {{"action", release::describe(*failed)}, {"error", done.error().describe()}});
      deps_.events.record(runtime::referenceTo(pass.object), runtime::EventType::Warning, "ActionFailed",
                          release::describe(*failed), done.error().message);
      if (done.error().code == ErrorCode::InvalidSpec) reportUnfixableAction(pass, *failed, done.error());
      return done;
    }
    if (movingUsers) pass.trafficMovedAt = deps_.clock.now();
  }
  return okStatus();
}

void ReleaseReconciler::recordEvent(Pass& pass, const release::RecordEvent& event) {
  deps_.events.record(runtime::referenceTo(pass.object), eventType(event.type), event.reason, "Reconcile", event.message);
}

// A route write is read back at once (the client answers with the object the server returned for it)
// and the pass plans again from the same status: a pause, analysis or approval after a weight starts in
// this pass, not in one more pass once the watch has delivered the route. The Events are those of the
// plan the pass ends with.
Status ReleaseReconciler::actAndReadBack(Pass& pass) {
  pass.eventsLater = pass.router &&
                     std::any_of(pass.plan.actions.begin(), pass.plan.actions.end(),
                                 [](const release::Action& a) { return std::holds_alternative<release::SetTraffic>(a); });
  auto acted = act(pass);
  if (acted.ok() && pass.routeWritten) {
    observeRoutes(pass);
    planWithAnalysis(pass);
    acted = act(pass);
  }
  if (!acted.ok() || !pass.eventsLater) return acted;
  for (const auto& action : pass.plan.actions) {
    if (const auto* event = std::get_if<release::RecordEvent>(&action)) recordEvent(pass, *event);
  }
  return acted;
}

// Retrying cannot fix it: the release says why on its Degraded condition (written once; the retries
// that follow find it already there).
void ReleaseReconciler::reportUnfixableAction(Pass& pass, const release::Action& action, const Error& error) {
  const char* reason = std::holds_alternative<release::SetTraffic>(action) ? "TrafficRoutingFailed" : "ActionFailed";
  pass.status = release::degradedStatus(pass.release, reason, error.message, pass.now);
  if (auto written = writeStatus(pass); !written.ok()) {
    pass.log.warn("degraded condition not written", {{"error", written.error().describe()}});
  }
}

void ReleaseReconciler::drainRegistry(Pass& pass) {
  auto& outbox = pass.status.registrySync;
  if (outbox.empty()) return;
  if (!pass.registry) {
    outbox.clear();  // no registry configured: nothing to record into
    return;
  }
  auto drained = registry::drainOutbox(outbox, pass.release.spec.model.name, *pass.registry, pass.now);
  for (const auto& record : drained.acknowledged) {
    pass.log.info("recorded in the model registry",
                  {{"event", record.event}, {"version", record.version}, {"key", record.key}});
  }
  if (!drained.lastError.empty()) {
    pass.log.warn("model registry write failed; will retry", {{"error", drained.lastError}});
  }
  pass.registryRetryAt = drained.retryAt;
}

// The rollout's decision record (docs/audit.md): folded from this pass, then fed to the registry's
// run tracker through its own outbox in status.
void ReleaseReconciler::recordDecision(Pass& pass) {
  if (!pass.observed.specErrors.empty()) return;
  registry::PassFacts facts;
  for (const auto& t : pass.taken) {
    const auto* gate = registry::gateOf(pass.gates, t.gate);
    facts.readings.push_back({t.gate, gate ? gate->stage : "", t.measurement, gate ? gate->sequential : std::nullopt});
  }
  facts.approvals = pass.newApprovals;
  for (const auto& action : pass.plan.actions) {
    // A request handled by an earlier pass comes back only to have its annotation cleared.
    const auto* handled = std::get_if<release::MarkRequestHandled>(&action);
    if (handled && pass.observed.request && handled->id != pass.release.status.lastHandledRequest) {
      facts.requests.push_back({pass.observed.request->text, pass.observed.request->requestedBy});
    }
  }
  registry::recordPass(pass.release, pass.status, facts, pass.now);
  auto* runs = pass.registry ? pass.registry->runTracker() : nullptr;
  if (!runs) return;
  auto synced = registry::syncRuns(pass.status.decisionRecords, pass.release, *runs, *pass.registry, pass.now);
  if (!synced.lastError.empty()) pass.log.warn("decision record not sent to MLflow; will retry", {{"error", synced.lastError}});
  if (synced.retryAt && (!pass.registryRetryAt || *synced.retryAt < *pass.registryRetryAt)) pass.registryRetryAt = synced.retryAt;
}

Status ReleaseReconciler::writeStatus(Pass& pass) {
  const Json before = pass.object.value("status", Json::object());
  const Json after = api::encodeStatus(pass.status);
  const Json diff = mergePatch(before, after);
  if (diff.empty()) return okStatus();
  const auto& meta = pass.release.metadata;
  auto written = deps_.client.patch(k8s::resources::kModelReleases, meta.namespace_, meta.name, k8s::PatchType::Merge,
                                    Json{{"status", diff}}, "status");
  if (!written.ok()) return written.error();
  ++pass.writes;
  return okStatus();
}

// The handled request's annotations go once status.lastHandledRequest is written: were they cleared
// first and the status write failed, the next pass would re-plan without the request it acted on. The
// JSON patch tests the id first, so a newer request written meanwhile stays. A failure only logs: the
// next pass sees the id is handled and clears again.
void ReleaseReconciler::clearRequests(Pass& pass) {
  for (const auto& action : pass.plan.actions) {
    const auto* handled = std::get_if<release::MarkRequestHandled>(&action);
    if (!handled) continue;
    const Json::json_pointer annotations("/metadata/annotations");
    const std::string id = (annotations / api::kRequestIdAnnotation).to_string();
    const std::string request = (annotations / api::kRequestAnnotation).to_string();
    const auto& meta = pass.release.metadata;
    Json patch = Json::array({{{"op", "test"}, {"path", id}, {"value", handled->id}}, {{"op", "remove"}, {"path", id}}});
    if (meta.annotations.count(api::kRequestAnnotation)) patch.push_back({{"op", "remove"}, {"path", request}});
    if (meta.annotations.count(api::kRequestedByAnnotation)) {
      patch.push_back({{"op", "remove"}, {"path", (annotations / api::kRequestedByAnnotation).to_string()}});
    }
    auto cleared = deps_.client.patch(k8s::resources::kModelReleases, meta.namespace_, meta.name, k8s::PatchType::Json, patch, "");
    if (!cleared.ok()) {
      pass.log.warn("handled request's annotation not cleared", {{"request", handled->id}, {"error", cleared.error().describe()}});
      continue;
    }
    ++pass.writes;
  }
}

// Each approval judged this pass, and each judged before whose answer was not written, is answered on
// the ReleaseApproval's own status once status.approvals holds its record. A failed answer is tried
// again (approvalRetryAt): the approver is waiting for it.
void ReleaseReconciler::answerApprovals(Pass& pass) {
  for (const auto* records : {&pass.newApprovals, &pass.unansweredApprovals}) {
    for (const auto& record : *records) {
      auto acknowledged = acknowledgeApproval(deps_.client, pass.release.metadata.namespace_, record);
      if (acknowledged.ok()) {
        ++pass.writes;
        continue;
      }
      pass.log.warn("approval status not written; will retry", {{"approval", record.name}, {"error", acknowledged.error().message}});
      pass.approvalRetryAt = pass.now + kApprovalReviewRetryDelay;
    }
  }
}

void ReleaseReconciler::report(Pass& pass) {
  const auto& meta = pass.release.metadata;
  for (const auto& t : pass.taken) {
    if (t.measurement.verdict == api::Verdict::Fail) {
      deps_.events.record(runtime::referenceTo(pass.object), runtime::EventType::Warning, "GateFailed", "Analysis",
                          "gate " + t.gate + ": " + t.measurement.detail);
    }
  }
  for (const auto& a : pass.newApprovals) {
    deps_.events.record(runtime::referenceTo(pass.object), a.accepted ? runtime::EventType::Normal : runtime::EventType::Warning,
                        a.accepted ? "ApprovalAccepted" : "ApprovalIgnored", "Approve",
                        a.approvedBy + " (" + a.decision + ", " + a.name + "): " + a.message);
  }
  const auto& s = pass.status;
  const auto before = pass.release.status.phase;
  const bool rollbackBegun =
      s.phase != before && (s.phase == api::Phase::RollingBack || (s.phase == api::Phase::RolledBack && before != api::Phase::RollingBack));
  const bool reacted = rollbackBegun && pass.failedMeasurementAt && pass.trafficMovedAt;
  if (reacted) {
    // Where the reaction went: waiting for this pass (queue, a busy worker, of which the watch to
    // deliver our own last write), in it before its traffic writes (reading the caches, planning), or
    // in those writes (the client and the API server).
    nlohmann::json fields = {{"ms", millisBetween(*pass.failedMeasurementAt, *pass.trafficMovedAt)},
                             {"beforePassMs", millisBetween(*pass.failedMeasurementAt, pass.now)},
                             {"writesMs", millisBetween(*pass.trafficWritesSentAt, *pass.trafficMovedAt)},
                             {"replicaRatio", pass.replicaRatio}};
    if (pass.cacheBehindSince) {
      fields["cacheBehindMs"] = millisBetween(std::max(*pass.cacheBehindSince, *pass.failedMeasurementAt), pass.now);
    }
    pass.log.info("rollback reaction", fields);
  }
  auto* m = deps_.metrics;
  if (!m) return;
  m->setPhase(meta.namespace_, meta.name, api::phaseName(s.phase));
  m->setReleaseInfo(meta.namespace_, meta.name, pass.release.spec.model.name, s.stableVersion, s.canaryVersion);
  m->releaseCanaryWeight.withLabelSet({{"namespace", meta.namespace_}, {"release", meta.name}}).set(s.canaryWeight);
  for (const auto& t : pass.taken) {
    if (t.measurement.value) {
      m->gateMeasurement.withLabelSet({{"namespace", meta.namespace_}, {"release", meta.name}, {"gate", t.gate}})
          .set(*t.measurement.value);
    }
    m->gateVerdicts.withLabelSet({{"namespace", meta.namespace_}, {"release", meta.name}, {"gate", t.gate},
                                {"verdict", api::verdictName(t.measurement.verdict)}})
        .inc();
  }
  if (s.phase != before && s.phase == api::Phase::Promoted && !pass.release.status.stableVersion.empty()) {
    m->promotions.withLabelSet({{"namespace", meta.namespace_}, {"release", meta.name}}).inc();
  }
  if (rollbackBegun) m->rollbacks.withLabelSet({{"namespace", meta.namespace_}, {"release", meta.name}}).inc();
  if (reacted) m->rollbackReaction.observe(secondsBetween(*pass.failedMeasurementAt, *pass.trafficMovedAt));
}

// A phase change this pass wrote to status: logged, and handed to the notifier, which delivers on its
// own thread. Notifying only what this pass wrote keeps a restarted operator from announcing again
// what its predecessor wrote.
void ReleaseReconciler::announcePhaseChange(Pass& pass) {
  auto change = notify::phaseChange(pass.release, pass.status, pass.now);
  if (!change) return;
  pass.log = pass.log.with({{"phase", api::phaseName(change->phase)}});
  pass.log.info("phase changed", {{"previousPhase", api::phaseName(change->previousPhase)},
                                  {"version", change->version}, {"message", change->message}});
  if (!deps_.notifier) return;
  // A spec whose notifications are malformed cannot say where to post; the operator-wide webhooks
  // still hear that the release is Invalid.
  const auto& errors = pass.observed.specErrors;
  const bool destinationsValid = std::none_of(errors.begin(), errors.end(), [](const api::FieldError& e) {
    return e.path.rfind("spec.notifications", 0) == 0;
  });
  deps_.notifier->notify(*change, destinationsValid ? pass.release.spec.notifications
                                                    : std::vector<api::NotificationSpec>{});
}

ReleaseReconciler::ReleaseReconciler(ReconcilerDeps deps) : deps_(deps) {
  // Random per process, so ids stay unique across restarts and replicas; the counter orders a process's passes.
  char prefix[16];
  std::snprintf(prefix, sizeof prefix, "%08x", static_cast<unsigned>(std::random_device{}()));
  reconcileIdPrefix_ = prefix;
}

std::string ReleaseReconciler::nextReconcileId() {
  return reconcileIdPrefix_ + "-" + std::to_string(++reconciles_);
}

Result<runtime::ReconcileOutcome> ReleaseReconciler::reconcile(const std::string& key) {
  PassTimer timer(deps_.metrics, deps_.clock);
  auto cached = deps_.releases.get(key);
  if (!cached.object) {
    auto [ns, name] = runtime::splitKey(key);
    if (deps_.metrics) deps_.metrics->forgetRelease(ns, name);
    deps_.analysis.cancel(key, "");
    firstLookHolds_.forget(key);
    cacheBehind_.forget(key);
    return runtime::ReconcileOutcome{};
  }
  // The cache has not caught up with our own last status write: acting now would act on our past.
  // The release comes back first in the queue as soon as the watch delivers the write (a failed gate
  // does not wait behind every progressing release); the retry is there in case the watch is down.
  if (!cached.upToDate) {
    cacheBehind_.behind(key, deps_.clock.now());
    if (deps_.metrics) deps_.metrics->cacheBehind.inc();
    if (!deps_.wakeFirst) return runtime::ReconcileOutcome{kStaleCacheRetry};
    deps_.releases.callWhenCurrent(key, deps_.wakeFirst);
    return runtime::ReconcileOutcome{kStaleCacheRetryWithWatch};
  }

  Pass pass(deps_.logger.with({{"release", key}, {"reconcile_id", nextReconcileId()}}));
  pass.key = key;
  pass.object = *cached.object;
  pass.now = deps_.clock.now();
  pass.cacheBehindSince = cacheBehind_.caughtUp(key);
  if (pass.object["metadata"].contains("deletionTimestamp")) return runtime::ReconcileOutcome{};  // owned objects are garbage-collected

  observe(pass);
  pass.log = pass.log.with({{"phase", api::phaseName(pass.release.status.phase)}});
  planWithAnalysis(pass);
  if (pass.newApprovals.empty() && firstLookHolds_.hold(key, pass.stageAwaitingFirstLook, pass.plan)) {
    pass.log.debug("holding the stage's start for its first look");
    return runtime::ReconcileOutcome{FirstLookHolds::kRecheck};
  }
  auto acted = actAndReadBack(pass);
  if (!acted.ok()) return acted.error();

  pass.status = pass.plan.status;
  pass.status.gates = pass.gates;
  auto& approvals = pass.status.approvals;
  // An approval the planner applied this pass is already recorded, with its step's decision.
  for (const auto& record : pass.newApprovals) {
    bool applied = std::any_of(approvals.begin(), approvals.end(), [&](const api::ApprovalRecord& r) { return r.name == record.name; });
    if (!applied) approvals.push_back(record);
  }
  if (approvals.size() > kMaxApprovalRecords) {
    approvals.erase(approvals.begin(), approvals.end() - static_cast<std::ptrdiff_t>(kMaxApprovalRecords));
  }
  drainRegistry(pass);
  recordDecision(pass);
  auto written = writeStatus(pass);
  if (!written.ok()) return written.error();
  clearRequests(pass);
  answerApprovals(pass);
  report(pass);
  announcePhaseChange(pass);

  runtime::ReconcileOutcome outcome;
  outcome.requeueAfter = pass.plan.requeueAfter;
  for (const auto& at : {pass.nextMeasurement, pass.registryRetryAt, pass.approvalRetryAt}) {
    if (!at) continue;
    Duration wait = until(*at, pass.now);
    if (!outcome.requeueAfter || wait < *outcome.requeueAfter) outcome.requeueAfter = wait;
  }
  nlohmann::json summary = {{"actions", pass.plan.actions.size()}, {"writes", pass.writes}, {"ms", timer.elapsedMs()}};
  if (outcome.requeueAfter) summary["requeueMs"] = outcome.requeueAfter->count();
  pass.log.debug("reconciled", summary);
  return outcome;
}

}  // namespace aviary::controller
