#include <cctype>
#include <string_view>

#include "aviary/api/model_release.h"

namespace aviary::api {

std::string prefixRegex(const std::string& prefix) {
  static constexpr std::string_view kSpecial = R"(\^$.|?*+()[]{})";
  std::string regex = "^";
  for (char c : prefix) {
    if (kSpecial.find(c) != std::string_view::npos) regex += '\\';
    regex += c;
  }
  return regex + ".*";
}

HeaderMatch normalizedHeaderMatch(HeaderMatch match) {
  // Header names are case-insensitive; meshes lower-case them.
  for (char& c : match.header) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (match.prefix) {
    match.regex = prefixRegex(*match.prefix);
    match.prefix.reset();
  }
  return match;
}

}  // namespace aviary::api
