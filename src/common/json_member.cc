#include "aviary/common/json_member.h"

namespace aviary {
namespace {

const nlohmann::json& null() {
  static const nlohmann::json kNull;
  return kNull;
}

}  // namespace

const nlohmann::json& memberOrNull(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return null();
  auto it = object.find(key);
  return it == object.end() ? null() : *it;
}

const nlohmann::json& firstMatchHeaders(const nlohmann::json& rule, const char* matchesKey) {
  const nlohmann::json& matches = memberOrNull(rule, matchesKey);
  if (!matches.is_array() || matches.empty()) return null();
  return memberOrNull(matches[0], "headers");
}

}  // namespace aviary
