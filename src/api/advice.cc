#include "aviary/api/advice.h"

namespace aviary::api {

bool ratioCanVanish(const std::string& query) {
  int nesting = 0;  // inside {…} label matchers or […] ranges
  char quote = 0;
  bool divides = false;
  for (char c : query) {
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'' || c == '`') {
      quote = c;
    } else if (c == '{' || c == '[') {
      ++nesting;
    } else if (c == '}' || c == ']') {
      --nesting;
    } else if (c == '/' && nesting == 0) {
      divides = true;
    }
  }
  return divides && query.find("vector(") == std::string::npos;
}

FieldErrors advise(const ModelRelease& release) {
  FieldErrors advice;
  const auto& gates = release.spec.analysis.gates;
  for (size_t i = 0; i < gates.size(); ++i) {
    if (!gates[i].prometheus || !ratioCanVanish(gates[i].prometheus->query)) continue;
    advice.push_back({"spec.analysis.gates[" + std::to_string(i) + "].prometheus.query",
                      "a ratio whose numerator has no series while nothing happened (no errors yet) answers no data, "
                      "not 0: add `or vector(0)` to the numerator, or use totalQuery"});
  }
  return advice;
}

}  // namespace aviary::api
