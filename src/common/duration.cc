#include "aviary/common/duration.h"

#include <cmath>
#include <cstdlib>

namespace aviary {

namespace {

// Milliseconds per unit, or 0 when the unit is unknown.
double unitMillis(const std::string& unit) {
  if (unit == "ms") return 1;
  if (unit == "s") return 1000;
  if (unit == "m") return 60'000;
  if (unit == "h") return 3'600'000;
  return 0;
}

}  // namespace

Result<Duration> parseDuration(const std::string& text) {
  auto invalid = [&](const std::string& why) {
    return makeError(ErrorCode::InvalidSpec, "invalid duration \"" + text + "\": " + why);
  };
  if (text.empty()) return invalid("empty");
  if (text == "0") return Duration{0};
  double total = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t start = pos;
    while (pos < text.size() && (std::isdigit(static_cast<unsigned char>(text[pos])) || text[pos] == '.')) ++pos;
    if (pos == start) return invalid("expected a number at position " + std::to_string(start + 1));
    std::string number = text.substr(start, pos - start);
    if (number.find('.') != number.rfind('.')) return invalid("malformed number \"" + number + "\"");
    size_t unitStart = pos;
    while (pos < text.size() && std::isalpha(static_cast<unsigned char>(text[pos]))) ++pos;
    std::string unit = text.substr(unitStart, pos - unitStart);
    if (unit.empty()) return invalid("missing unit after \"" + number + "\" (use ms, s, m or h)");
    double millis = unitMillis(unit);
    if (millis == 0) return invalid("unknown unit \"" + unit + "\" (use ms, s, m or h)");
    total += std::strtod(number.c_str(), nullptr) * millis;
    if (total > 1e13) return invalid("too long");
  }
  return Duration{static_cast<int64_t>(std::llround(total))};
}

std::string formatDuration(Duration d) {
  int64_t ms = d.count();
  if (ms == 0) return "0s";
  std::string out;
  if (ms < 0) out = "-", ms = -ms;
  if (ms < 1000) return out + std::to_string(ms) + "ms";
  int64_t h = ms / 3'600'000, m = ms / 60'000 % 60, s = ms / 1000 % 60, rest = ms % 1000;
  if (h) out += std::to_string(h) + "h";
  if (m) out += std::to_string(m) + "m";
  if (s || rest) {
    out += std::to_string(s);
    if (rest) {
      char buf[8];
      std::snprintf(buf, sizeof buf, ".%03lld", static_cast<long long>(rest));
      std::string frac = buf;
      while (frac.back() == '0') frac.pop_back();
      out += frac;
    }
    out += "s";
  }
  return out;
}

}  // namespace aviary

namespace aviary {

Duration durationOr(const std::optional<std::string>& text, Duration fallback) {
  if (!text) return fallback;
  auto parsed = parseDuration(*text);
  return parsed.ok() ? parsed.value() : fallback;
}

}  // namespace aviary
