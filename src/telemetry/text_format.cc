#include "telemetry/text_format.h"

#include <charconv>
#include <cmath>
#include <cstdint>

namespace aviary::telemetry::text {
namespace {

bool isNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool isDigit(char c) { return c >= '0' && c <= '9'; }

// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is not one (overlong forms,
// surrogates and code points above U+10FFFF included).
std::size_t utf8SequenceLength(std::string_view s, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char lead = byte(i);
  if (lead < 0x80) return 1;
  std::size_t length;
  std::uint32_t codePoint;
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
    codePoint = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    codePoint = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    codePoint = lead & 0x07;
  } else {
    return 0;
  }
  if (i + length > s.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    codePoint = (codePoint << 6) | (byte(i + k) & 0x3F);
  }
  static constexpr std::uint32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (codePoint < kSmallest[length] || codePoint > 0x10FFFF) return 0;
  if (codePoint >= 0xD800 && codePoint <= 0xDFFF) return 0;
  return length;
}

}  // namespace

bool isValidMetricName(std::string_view name) {
  if (name.empty() || !(isNameStart(name[0]) || name[0] == ':')) return false;
  for (char c : name) {
    if (!(isNameStart(c) || isDigit(c) || c == ':')) return false;
  }
  return true;
}

bool isValidLabelName(std::string_view name) {
  if (name.empty() || !isNameStart(name[0]) || name.starts_with("__")) return false;
  for (char c : name) {
    if (!(isNameStart(c) || isDigit(c))) return false;
  }
  return true;
}

void appendEscapedHelp(std::string& out, std::string_view help) {
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

void appendEscapedLabelValue(std::string& out, std::string_view value) {
  for (std::size_t i = 0; i < value.size();) {
    char c = value[i];
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      std::size_t length = utf8SequenceLength(value, i);
      if (length == 0) {
        out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
        ++i;
      } else {
        out.append(value.substr(i, length));
        i += length;
      }
      continue;
    }
    ++i;
  }
}

void appendNumber(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
  } else if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
  } else {
    // Go's strconv 'g' with shortest precision, as Prometheus's own client libraries write numbers:
    // exponent form below 1e-4 and from 1e6 up. Matching it matters for `le` values, which PromQL
    // selects by their text (le="0.0005", not le="5e-04").
    char buffer[64];
    auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
    std::string_view scientific(buffer, end - buffer);
    int exponent = 0;
    const char* exponentText = scientific.data() + scientific.find('e') + 1;
    if (*exponentText == '+') ++exponentText;  // from_chars takes a minus sign only
    std::from_chars(exponentText, end, exponent);
    if (exponent < -4 || exponent >= 6) {
      out += scientific;
    } else {
      auto [fixedEnd, fixedError] = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed);
      out.append(buffer, fixedEnd);
    }
  }
}

std::string formatNumber(double value) {
  std::string out;
  appendNumber(out, value);
  return out;
}

void appendSample(std::string& out, std::string_view name, const std::vector<std::string>& labelNames,
                  const std::vector<std::string>& labelValues, std::string_view extraName,
                  std::string_view extraValue, double value) {
  out += name;
  if (!labelNames.empty() || !extraName.empty()) {
    out += '{';
    const char* separator = "";
    auto appendLabel = [&](std::string_view labelName, std::string_view labelValue) {
      out += separator;
      out += labelName;
      out += "=\"";
      appendEscapedLabelValue(out, labelValue);
      out += '"';
      separator = ",";
    };
    for (std::size_t i = 0; i < labelNames.size(); ++i) appendLabel(labelNames[i], labelValues[i]);
    if (!extraName.empty()) appendLabel(extraName, extraValue);
    out += '}';
  }
  out += ' ';
  appendNumber(out, value);
  out += '\n';
}

}  // namespace aviary::telemetry::text
