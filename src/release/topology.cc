// From the planned status to the Deployments, Services and traffic split it implies, diffed against
// what was observed, so a settled release yields no action at all and drift is repaired.

#include "release/plan_context.h"

namespace aviary::release {
namespace {

struct Desired {
  std::map<std::string, int32_t> replicas;  // by version; versions absent here are deleted
  EnsureServices services;
  SetTraffic traffic;
};

bool rollingBackToPrevious(const api::ModelReleaseStatus& n) {
  return n.phase == api::Phase::RollingBack && n.canaryVersion.empty();
}

// The old stable stays until scaleDownAt, while the new one is verified, or while it is the target
// of a rollback. When it stays only because of scaleDownAt, returns the time left in `left`.
bool keepPrevious(const PlanContext& ctx, std::optional<Duration>& left) {
  const auto& n = ctx.next;
  if (rollingBackToPrevious(n) || blueGreenVerifying(n, ctx.spec())) return true;
  TimePoint at;
  if (n.scaleDownAt.empty() || !parseRfc3339(n.scaleDownAt, at) || ctx.now >= at) return false;
  left = std::chrono::duration_cast<Duration>(at - ctx.now);
  return true;
}

Desired desiredState(PlanContext& ctx) {
  const auto& n = ctx.next;
  const auto& spec = ctx.spec();
  const std::string& stable = n.stableVersion;
  const std::string& canary = n.canaryVersion;
  Desired d;
  d.services = EnsureServices{stable, canary};
  d.traffic = canary.empty() ? SetTraffic{stable, canary, 0}
                             : SetTraffic{stable, canary, n.canaryWeight, n.mirrorPercent, n.headerRoutes};
  if (!stable.empty()) d.replicas[stable] = spec.replicas;
  if (!canary.empty()) {
    if (isBlueGreen(spec)) {
      // Strategies that did not run this pass (a held rollback) leave the preview as it is.
      const DeploymentState& live = ctx.deployment(canary);
      int32_t preview = spec.strategy.blueGreen->previewReplicas.value_or(spec.replicas);
      d.replicas[canary] = ctx.canaryReplicas.value_or(live.exists ? live.desiredReplicas : preview);
    } else {
      ReplicaSplit plan = canaryReplicaPlan(spec, ctx.sizingWeight.value_or(canarySizingShare(n)));
      d.replicas[stable] = plan.stable;
      d.replicas[canary] = ctx.canaryReplicas.value_or(plan.canary);
    }
  }
  const std::string& previous = n.previousStableVersion;
  std::optional<Duration> left;
  if (!previous.empty() && d.replicas.count(previous) == 0 && keepPrevious(ctx, left)) {
    // With the replica ratio every pod of the release takes traffic: "warm" would mean "serving".
    bool warm = rollingBackToPrevious(n) || !splitsByReplicas(spec);
    d.replicas[previous] = warm ? spec.replicas : 0;
    if (left && ctx.deployment(previous).exists) ctx.requeueAfter(*left);
  }
  return d;
}

// What the last plan put into effect (or what the router reports). Header routes are compared by
// their conditions: that is what a route object carries.
struct AppliedTraffic {
  SetTraffic traffic;
  std::vector<std::vector<api::HeaderMatch>> headerMatches;
};

AppliedTraffic appliedTraffic(const PlanContext& ctx) {
  const auto& last = ctx.release.status;
  const auto& router = ctx.observed.router;
  AppliedTraffic applied;
  applied.traffic = SetTraffic{last.stableVersion, last.canaryVersion, last.canaryVersion.empty() ? 0 : last.canaryWeight};
  if (!last.canaryVersion.empty()) {
    applied.traffic.mirrorPercent = last.mirrorPercent;
    applied.headerMatches = headerMatchesOf(last.headerRoutes);
  }
  if (router.canaryWeight) applied.traffic.canaryWeight = *router.canaryWeight;
  if (router.mirrorPercent) applied.traffic.mirrorPercent = *router.mirrorPercent;
  if (router.headerMatches) applied.headerMatches = normalized(*router.headerMatches);
  return applied;
}

bool routesCanary(const SetTraffic& t, const std::vector<std::vector<api::HeaderMatch>>& headerMatches) {
  return t.canaryWeight > 0 || t.mirrorPercent > 0 || !headerMatches.empty();
}

bool sameTraffic(const SetTraffic& want, const AppliedTraffic& applied) {
  const SetTraffic& a = applied.traffic;
  const auto wantMatches = headerMatchesOf(want.headerRoutes);
  return want.stableVersion == a.stableVersion && want.canaryWeight == a.canaryWeight &&
         want.mirrorPercent == a.mirrorPercent && wantMatches == applied.headerMatches &&
         (!routesCanary(want, wantMatches) || want.canaryVersion == a.canaryVersion);
}

}  // namespace

void planTopology(PlanContext& ctx, Plan& plan) {
  Desired d = desiredState(ctx);
  std::vector<Action> ups, downs, services, traffic;

  for (const auto& [version, want] : d.replicas) {
    const DeploymentState& live = ctx.deployment(version);
    if (!live.exists || !live.upToDate) {
      ups.push_back(EnsureDeployment{version, want});
    } else if (live.desiredReplicas < want) {
      ups.push_back(ScaleDeployment{version, want});
    } else if (live.desiredReplicas > want) {
      downs.push_back(ScaleDeployment{version, want});
    }
  }
  for (const auto& [version, live] : ctx.observed.deployments) {
    if (live.exists && d.replicas.count(version) == 0) downs.push_back(DeleteDeployment{version});
  }

  const auto& last = ctx.release.status;
  ServiceState liveServices = ctx.observed.services.value_or(ServiceState{last.stableVersion, last.canaryVersion});
  if (!liveServices.upToDate || liveServices.stableVersion != d.services.stableVersion ||
      liveServices.canaryVersion != d.services.canaryVersion) {
    services.push_back(d.services);
  }

  const AppliedTraffic applied = appliedTraffic(ctx);
  // During a first release nothing confirms the route points at the version yet: keep asking.
  bool unconfirmed = last.phase == api::Phase::Pending && !d.traffic.stableVersion.empty();
  if (unconfirmed || !sameTraffic(d.traffic, applied)) {
    if (ctx.observed.router.ok) {
      // With the replica ratio the pod counts above are the split: there is no route to write, and
      // the percentage the pods give (1 canary pod beside 1 stable pod is 50) seldom equals the step's.
      if (!splitsByReplicas(ctx.spec())) traffic.push_back(d.traffic);
    } else {
      if (!ctx.degraded) ctx.setDegraded("TrafficRoutingFailed", ctx.observed.router.message);
      ctx.requeueAfter(kRouterRetryDelay);
    }
  }

  // Moving traffic away from the canary goes first (a rollback is one route write before anything
  // else); moving it towards a version waits until that version's pods and Services are there.
  // A shadow (weight 0) rolled back moves traffic away too: its mirror and header rules go first.
  const auto wantMatches = headerMatchesOf(d.traffic.headerRoutes);
  bool awayFromCanary = d.traffic.stableVersion == applied.traffic.stableVersion &&
                        (d.traffic.canaryWeight < applied.traffic.canaryWeight ||
                         (!routesCanary(d.traffic, wantMatches) && routesCanary(applied.traffic, applied.headerMatches)));
  // Away from the canary, the writes after the route's depend on no order: the act layer may send
  // them at once (with the replica ratio the pod counts are the route).
  std::vector<Action>& out = plan.actions;
  auto append = [&out](std::vector<Action>& part) { out.insert(out.end(), part.begin(), part.end()); };
  plan.trafficLeavesCanary = awayFromCanary;
  const std::string& liveStable = applied.traffic.stableVersion;
  plan.usersMove = awayFromCanary || (!liveStable.empty() && d.traffic.stableVersion != liveStable);
  if (awayFromCanary) {
    append(traffic);
    append(services);
    append(ups);
  } else {
    append(ups);
    append(services);
    append(traffic);
  }
  append(downs);
}

}  // namespace aviary::release
