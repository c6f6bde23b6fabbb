#pragma once
// Field paths as errors name them: "spec.strategy.canary.steps[2].setWeight".

#include <cstddef>
#include <string>

namespace aviary::api::detail {

std::string childPath(const std::string& parent, const std::string& key);  // "a" + "b" → "a.b"; "" + "b" → "b"
std::string indexPath(const std::string& parent, size_t index);            // "a" + 2 → "a[2]"

}  // namespace aviary::api::detail
