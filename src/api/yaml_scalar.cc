#include "api/yaml_scalar.h"

#include <cerrno>
#include <cstdlib>
#include <limits>

namespace aviary::api::detail {

namespace {

// Hand-written matchers rather than std::regex, whose recursion overflows the stack on long input.
bool isDigits(const std::string& s, size_t& pos, int (*isDigit)(int)) {
  const size_t start = pos;
  while (pos < s.size() && isDigit(static_cast<unsigned char>(s[pos]))) ++pos;
  return pos > start;
}
int isDecimalDigit(int c) { return c >= '0' && c <= '9'; }
int isOctalDigit(int c) { return c >= '0' && c <= '7'; }
int isHexDigit(int c) { return isDecimalDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool skipSign(const std::string& s, size_t& pos) {
  if (pos < s.size() && (s[pos] == '-' || s[pos] == '+')) ++pos;
  return true;
}
// [-+]?[0-9]+
bool isDecimal(const std::string& s) {
  size_t pos = 0;
  return skipSign(s, pos) && isDigits(s, pos, isDecimalDigit) && pos == s.size();
}
// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool isReal(const std::string& s) {
  size_t pos = 0;
  skipSign(s, pos);
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    if (!isDigits(s, pos, isDecimalDigit)) return false;
  } else {
    if (!isDigits(s, pos, isDecimalDigit)) return false;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      isDigits(s, pos, isDecimalDigit);
    }
  }
  if (pos < s.size() && (s[pos] == 'e' || s[pos] == 'E')) {
    ++pos;
    skipSign(s, pos);
    if (!isDigits(s, pos, isDecimalDigit)) return false;
  }
  return pos == s.size();
}
bool isPrefixed(const std::string& s, const char* prefix, int (*isDigit)(int)) {
  size_t pos = 2;
  return s.rfind(prefix, 0) == 0 && isDigits(s, pos, isDigit) && pos == s.size();
}

}  // namespace

nlohmann::json resolvePlainScalar(const std::string& text) {
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") return nullptr;
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;

  using Json = nlohmann::json;
  auto integer = [&](const std::string& digits, int base) -> Json {
    errno = 0;
    const long long value = std::strtoll(digits.c_str(), nullptr, base);
    if (errno == ERANGE) return std::strtod(text.c_str(), nullptr);  // beyond int64: keep the magnitude
    return static_cast<int64_t>(value);
  };
  if (isDecimal(text)) return integer(text, 10);
  if (isPrefixed(text, "0o", isOctalDigit)) return integer(text.substr(2), 8);
  if (isPrefixed(text, "0x", isHexDigit)) return integer(text.substr(2), 16);
  if (isReal(text)) return std::strtod(text.c_str(), nullptr);
  const std::string magnitude = text.substr(text[0] == '-' || text[0] == '+' ? 1 : 0);
  if (magnitude == ".inf" || magnitude == ".Inf" || magnitude == ".INF") {
    return text[0] == '-' ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  }
  if (text == ".nan" || text == ".NaN" || text == ".NAN") return std::numeric_limits<double>::quiet_NaN();
  return text;
}

}  // namespace aviary::api::detail
