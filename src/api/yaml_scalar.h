#pragma once
// YAML 1.2 core schema for plain (unquoted) scalars: null, booleans, integers, floats; the rest are
// strings. So `yes`, `on` and `0755x` stay strings, `7` is a number; a quoted "7" never comes here.

#include <string>

#include <nlohmann/json.hpp>

namespace aviary::api::detail {

nlohmann::json resolvePlainScalar(const std::string& text);

}  // namespace aviary::api::detail
