// The canary's routes besides its weight — the mirror (shadow) and the header routes — as the planner
// keeps them in status: set by their steps, gone with the canary.

#include <algorithm>

#include "aviary/api/header_match.h"
#include "release/plan_context.h"

namespace aviary::release {

HeaderMatches normalized(HeaderMatches matches) {
  for (auto& route : matches) {
    for (auto& match : route) match = api::normalizedHeaderMatch(match);
    // A route's conditions all apply: their order means nothing (Istio keeps them in a map).
    std::sort(route.begin(), route.end(), [](const api::HeaderMatch& a, const api::HeaderMatch& b) { return a.header < b.header; });
  }
  return matches;
}

HeaderMatches headerMatchesOf(const std::vector<api::HeaderRoute>& routes) {
  HeaderMatches matches;
  for (const auto& route : routes) matches.push_back(route.match);
  return normalized(std::move(matches));
}

void applyHeaderRoute(std::vector<api::HeaderRoute>& routes, const api::HeaderRoute& step) {
  auto it = std::find_if(routes.begin(), routes.end(), [&](const api::HeaderRoute& r) { return r.name == step.name; });
  if (step.match.empty()) {
    if (it != routes.end()) routes.erase(it);
  } else if (it != routes.end()) {
    it->match = step.match;
  } else {
    routes.push_back(step);
  }
}

void clearCanaryRoutes(api::ModelReleaseStatus& status) {
  status.mirrorPercent = 0;
  status.headerRoutes.clear();
}

bool canaryRouted(const PlanContext& ctx) {
  const auto& last = ctx.release.status;
  const auto& router = ctx.observed.router;
  const bool weighted = router.canaryWeight.value_or(last.canaryWeight) > 0;
  const bool mirrored = router.mirrorPercent.value_or(last.mirrorPercent) > 0;
  const bool headed = router.headerMatches ? !router.headerMatches->empty() : !last.headerRoutes.empty();
  return weighted || mirrored || headed;
}

bool shadowOnly(const api::ModelReleaseStatus& status) {
  return !status.canaryVersion.empty() && status.canaryWeight == 0 && status.mirrorPercent > 0 &&
         status.headerRoutes.empty();
}

int32_t canarySizingShare(const api::ModelReleaseStatus& status) {
  return std::max(status.canaryWeight, status.mirrorPercent);
}

}  // namespace aviary::release
