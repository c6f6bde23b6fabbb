#pragma once
// Reading JSON of any shape (objects users own, answers of other servers) without exceptions: a
// missing member reads as null, which iterates as empty and has size 0.

#include <nlohmann/json.hpp>

namespace aviary {

// object[key]; null when object is not an object or has no such member.
const nlohmann::json& memberOrNull(const nlohmann::json& object, const char* key);

// The header conditions of a route rule's first match, or null when it has none. matchesKey is
// "matches" in a Gateway API HTTPRoute rule (a list of {name, value, type}) and "match" in an Istio
// VirtualService http route (an object of header name → {exact|prefix|regex}).
const nlohmann::json& firstMatchHeaders(const nlohmann::json& rule, const char* matchesKey);

}  // namespace aviary
