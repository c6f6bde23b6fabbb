#pragma once
// A ManualClock-driven fixture for the planner: a release, what is observed, and a small fake act
// layer that applies a plan's actions to the observed state (Deployments become available at once
// unless podsBecomeReady is false) so tests can walk a rollout pass by pass.

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "aviary/release/planner.h"
#include "mocks/api/canary_steps.h"

namespace aviary::release::testing {

using aviary::testing::analysisStep;
using aviary::testing::approvalStep;
using aviary::testing::pauseStep;
using aviary::testing::weightStep;

inline api::ModelRelease baseRelease() {
  api::ModelRelease release;
  release.metadata.name = "fraud-scorer";
  release.metadata.namespace_ = "ml";
  release.metadata.uid = "uid-1";
  release.metadata.generation = 1;
  release.spec.model = {"fraud-scorer", "6"};
  release.spec.replicas = 4;
  release.spec.analysis.interval = "30s";
  return release;
}

// Canary through a Gateway API route (mesh) unless ratio is true.
inline api::ModelRelease canaryRelease(std::vector<api::CanaryStep> steps, bool ratio = false) {
  api::ModelRelease release = baseRelease();
  api::CanaryStrategy canary;
  if (!ratio) canary.trafficRouting.gatewayAPI = api::GatewayApiRouting{"fraud-scorer"};
  canary.steps = std::move(steps);
  canary.scaleDownDelay = "30s";
  release.spec.strategy.canary = std::move(canary);
  return release;
}

inline api::ModelRelease blueGreenRelease(api::BlueGreenStrategy bg) {
  api::ModelRelease release = baseRelease();
  release.spec.strategy.blueGreen = std::move(bg);
  return release;
}

template <typename T>
std::vector<T> actionsOf(const Plan& plan) {
  std::vector<T> out;
  for (const auto& action : plan.actions) {
    if (const T* a = std::get_if<T>(&action)) out.push_back(*a);
  }
  return out;
}

template <typename T>
int indexOf(const Plan& plan) {
  for (size_t i = 0; i < plan.actions.size(); ++i) {
    if (std::holds_alternative<T>(plan.actions[i])) return static_cast<int>(i);
  }
  return -1;
}

inline std::string describeAll(const Plan& plan) {
  std::string out;
  for (const auto& action : plan.actions) out += describe(action) + "\n";
  return out;
}

inline const api::Condition* condition(const api::ModelReleaseStatus& status, const std::string& type) {
  for (const auto& c : status.conditions) {
    if (c.type == type) return &c;
  }
  return nullptr;
}

inline bool hasEvent(const Plan& plan, const std::string& reason) {
  auto events = actionsOf<RecordEvent>(plan);
  return std::any_of(events.begin(), events.end(), [&](const RecordEvent& e) { return e.reason == reason; });
}

// Every field of a status, to compare two of them.
inline std::string dump(const api::ModelReleaseStatus& s) {
  std::ostringstream out;
  out << s.observedGeneration << '|' << static_cast<int>(s.phase) << '|' << s.message << '|' << s.stableVersion << '|'
      << s.canaryVersion << '|' << s.previousStableVersion << '|' << s.rolledBackVersion << '|' << s.currentStepIndex
      << '|' << s.canaryWeight << '|' << s.stepStartedAt << '|' << s.rolloutStartedAt << '|' << s.scaleDownAt << '|'
      << s.lastHandledRequest << '\n';
  for (const auto& c : s.conditions) {
    out << c.type << ' ' << c.status << ' ' << c.reason << ' ' << c.message << ' ' << c.observedGeneration << ' '
        << c.lastTransitionTime << '\n';
  }
  for (const auto& a : s.approvals) out << a.name << ' ' << a.decision << ' ' << a.step << '\n';
  for (const auto& r : s.registrySync) out << r.key << ' ' << r.event << '\n';
  for (const auto& h : s.history) out << h.version << ' ' << h.outcome << ' ' << h.time << '\n';
  return out.str();
}

class PlannerTest : public ::testing::Test {
 protected:
  ManualClock clock;
  api::ModelRelease release = canaryRelease({weightStep(20), pauseStep("2m"), weightStep(50)});
  Observed observed;
  bool podsBecomeReady = true;
  bool routerReportsWeight = false;  // a mesh router: SetTraffic shows in observed.router.canaryWeight
  std::vector<SetTraffic> trafficLog;

  api::ModelReleaseStatus plannedFrom;  // the status the last run() started from

  Plan run() {
    plannedFrom = release.status;
    return plan(release, observed, clock.now());
  }

  // The registry records the last run() appended to the outbox (status.registrySync).
  std::vector<api::RegistryRecord> queuedRecords(const Plan& p) const {
    std::vector<api::RegistryRecord> out;
    for (const auto& r : p.status.registrySync) {
      if (std::none_of(plannedFrom.registrySync.begin(), plannedFrom.registrySync.end(),
                       [&](const api::RegistryRecord& old) { return old.key == r.key; })) {
        out.push_back(r);
      }
    }
    return out;
  }
  std::vector<std::string> recordEvents(const Plan& p) const {
    std::vector<std::string> out;
    for (const auto& r : queuedRecords(p)) out.push_back(r.event);
    return out;
  }

  // The fake act layer: applies the actions to `observed` and keeps the plan's status.
  void act(const Plan& p) {
    for (const auto& action : p.actions) {
      if (auto* a = std::get_if<EnsureDeployment>(&action)) scale(a->version, a->replicas);
      if (auto* a = std::get_if<ScaleDeployment>(&action)) scale(a->version, a->replicas);
      if (auto* a = std::get_if<DeleteDeployment>(&action)) observed.deployments.erase(a->version);
      if (auto* a = std::get_if<EnsureServices>(&action)) observed.services = ServiceState{a->stableVersion, a->canaryVersion};
      if (auto* a = std::get_if<SetTraffic>(&action)) {
        trafficLog.push_back(*a);
        if (routerReportsWeight) observed.router.canaryWeight = a->canaryWeight;
      }
      if (auto* a = std::get_if<StartAnalysis>(&action)) observed.analyses[a->stage] = {AnalysisPhase::Running, ""};
      if (std::holds_alternative<MarkRequestHandled>(action)) observed.request.reset();  // annotation cleared
    }
    release.status = p.status;
  }

  Plan pass() {
    Plan p = run();
    act(p);
    return p;
  }

  void scale(const std::string& version, int32_t replicas) {
    DeploymentState& d = observed.deployments[version];
    d.exists = true;
    d.upToDate = true;
    d.desiredReplicas = replicas;
    d.updatedReplicas = podsBecomeReady ? replicas : 0;
    d.availableReplicas = podsBecomeReady ? replicas : 0;
  }

  // Passes until a plan has no actions (or `limit` passes); returns the last plan.
  Plan settle(int limit = 10) {
    Plan p = pass();
    for (int i = 1; i < limit && !p.actions.empty(); ++i) p = pass();
    return p;
  }

  // Version `stable` released and settled, then spec.model.version := next (a new generation).
  void promotedAt(const std::string& stable, const std::string& next = "7") {
    release.spec.model.version = stable;
    settle();
    ASSERT_EQ(release.status.phase, api::Phase::Promoted) << dump(release.status);
    clock.advance(std::chrono::minutes(5));  // past the scale-down delay of anything older
    settle();
    release.spec.model.version = next;
    release.metadata.generation += 1;
  }

  void verdict(const std::string& stage, AnalysisPhase phase, std::string message = "") {
    observed.analyses[stage] = AnalysisVerdict{phase, std::move(message)};
  }

  void request(RequestKind kind, const std::string& id, const std::string& text) {
    observed.request = UserRequest{kind, id, text};
  }
};

}  // namespace aviary::release::testing
