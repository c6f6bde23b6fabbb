#pragma once
// Header matches compared in one form (header-only: the planner, the routers and the simulator all
// need it, and the planner links no api implementation). Header names are case-insensitive and meshes
// lower-case them; a prefix is the regex "^<escaped prefix>.*" (regexes match the whole value, as in
// Envoy), which is also how Gateway API, lacking prefix header matches, carries it.

#include <cctype>
#include <string>
#include <string_view>

#include "aviary/api/model_release.h"

namespace aviary::api {

inline std::string prefixRegex(const std::string& prefix) {
  static constexpr std::string_view kSpecial = R"(\^$.|?*+()[]{})";
  std::string regex = "^";
  for (char c : prefix) {
    if (kSpecial.find(c) != std::string_view::npos) regex += '\\';
    regex += c;
  }
  return regex + ".*";
}

inline HeaderMatch normalizedHeaderMatch(HeaderMatch match) {
  for (char& c : match.header) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (match.prefix) {
    match.regex = prefixRegex(*match.prefix);
    match.prefix.reset();
  }
  return match;
}

}  // namespace aviary::api
