#pragma once
// RFC 7386 JSON merge patch that turns `from` into `to`: changed members, nested objects recursively,
// arrays and scalars replaced whole, removed members set to null (so a field the status no longer has,
// e.g. canaryVersion after a promotion, is really cleared). Empty object when nothing differs.

#include <nlohmann/json.hpp>

namespace aviary::controller {

nlohmann::json mergePatch(const nlohmann::json& from, const nlohmann::json& to);

}  // namespace aviary::controller
