#pragma once
// The weight logic the mesh routers share. Both kinds of route are lists of rules, each with a list of
// weighted backends; they differ only in how a backend names its Service and what an unset weight
// means, which BackendKind captures.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "aviary/common/result.h"
#include "aviary/traffic/router.h"

namespace aviary::traffic {

using Json = nlohmann::json;

enum class BackendRole { Stable, Canary, Other };

struct BackendKind {
  // Whether a backend entry points at the release's stable or canary Service (or elsewhere).
  std::function<BackendRole(const Json& backend)> roleOf;
  // A copy of backend pointed at the Service of role (the other one), keeping port and the rest.
  std::function<Json(const Json& backend, BackendRole role)> retarget;
  // The weight of an entry without one, given how many entries the list has.
  std::function<int32_t(std::size_t entries)> implicitWeight;
};

// Sets stable = 100 − canaryWeight and canary = canaryWeight on every backend list in lists that points
// at either Service, adding the missing one of the two (a copy of the present one). Other entries are
// left alone. InvalidSpec(noneMessage) when no list points at either Service.
Status setWeights(const std::vector<Json*>& lists, const BackendKind& kind, int32_t canaryWeight,
                  const std::string& noneMessage);

// The split of the first list that points at either Service, in percent. InvalidSpec(noneMessage)
// when none does.
Result<RouteState> readWeights(const std::vector<const Json*>& lists, const BackendKind& kind,
                               const std::string& noneMessage);

// Percentages from raw weights (rounded; both 0 when the total is 0).
RouteState percentSplit(int64_t stable, int64_t canary);

}  // namespace aviary::traffic
