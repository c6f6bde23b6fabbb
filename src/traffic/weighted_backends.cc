#include "traffic/weighted_backends.h"

#include <cmath>

namespace aviary::traffic {
namespace {

struct Found {
  const Json* stable = nullptr;
  const Json* canary = nullptr;
  int64_t stableWeight = 0;
  int64_t canaryWeight = 0;
};

Found find(const Json& list, const BackendKind& kind) {
  Found found;
  if (!list.is_array()) return found;
  for (const auto& backend : list) {
    const BackendRole role = kind.roleOf(backend);
    if (role == BackendRole::Other) continue;
    const int64_t weight = backend.contains("weight") ? backend["weight"].get<int64_t>()
                                                      : kind.implicitWeight(list.size());
    if (role == BackendRole::Stable) {
      if (!found.stable) found.stable = &backend;
      found.stableWeight += weight;
    } else {
      if (!found.canary) found.canary = &backend;
      found.canaryWeight += weight;
    }
  }
  return found;
}

}  // namespace

Status setWeights(const std::vector<Json*>& lists, const BackendKind& kind, int32_t canaryWeight,
                  const std::string& noneMessage) {
  bool any = false;
  for (Json* list : lists) {
    const Found found = find(*list, kind);
    if (!found.stable && !found.canary) continue;
    any = true;
    if (!found.canary) list->push_back(kind.retarget(*found.stable, BackendRole::Canary));
    if (!found.stable) list->push_back(kind.retarget(*found.canary, BackendRole::Stable));
    for (auto& backend : *list) {
      const BackendRole role = kind.roleOf(backend);
      if (role == BackendRole::Stable) backend["weight"] = 100 - canaryWeight;
      if (role == BackendRole::Canary) backend["weight"] = canaryWeight;
    }
  }
  if (!any) return makeError(ErrorCode::InvalidSpec, noneMessage);
  return okStatus();
}

Result<RouteState> readWeights(const std::vector<const Json*>& lists, const BackendKind& kind,
                               const std::string& noneMessage) {
  for (const Json* list : lists) {
    const Found found = find(*list, kind);
    if (found.stable || found.canary) return percentSplit(found.stableWeight, found.canaryWeight);
  }
  return makeError(ErrorCode::InvalidSpec, noneMessage);
}

RouteState percentSplit(int64_t stable, int64_t canary) {
  if (stable + canary <= 0) return RouteState{0, 0};
  const auto canaryPercent = static_cast<int32_t>(std::lround(100.0 * static_cast<double>(canary) /
                                                              static_cast<double>(stable + canary)));
  return RouteState{100 - canaryPercent, canaryPercent};
}

}  // namespace aviary::traffic
