#include "api/findings.h"

#include "aviary/common/duration.h"

namespace aviary::api::detail {

namespace {

bool isLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool isAlnum(char c) { return isLowerAlnum(c) || (c >= 'A' && c <= 'Z'); }

// Empty when `name` is a DNS-1123 label, otherwise why not.
std::string labelProblem(const std::string& name) {
  if (name.empty()) return "must not be empty";
  if (name.size() > 63) return "must be at most 63 characters, got " + std::to_string(name.size());
  for (char c : name) {
    if (!isLowerAlnum(c) && c != '-') return "must consist of lower case letters, digits and '-'";
  }
  if (name.front() == '-' || name.back() == '-') return "must start and end with a letter or digit";
  return "";
}

}  // namespace

void Findings::range(const std::string& path, int64_t value, int64_t min, int64_t max) {
  if (value < min || value > max) {
    add(path, "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " + std::to_string(value));
  }
}

void Findings::atLeast(const std::string& path, int64_t value, int64_t min) {
  if (value < min) add(path, "must be at least " + std::to_string(min) + ", got " + std::to_string(value));
}

void Findings::nonEmpty(const std::string& path, const std::string& value) {
  if (value.empty()) add(path, "must not be empty");
}

void Findings::duration(const std::string& path, const std::string& text, bool positive) {
  auto parsed = parseDuration(text);
  if (!parsed.ok()) {
    const std::string& why = parsed.error().message;
    return add(path, why.find("(use") == std::string::npos ? why + " (use e.g. 30s, 2m, 1h30m)" : why);
  }
  if (positive && parsed->count() == 0) add(path, "must be longer than 0");
}

void Findings::dnsLabel(const std::string& path, const std::string& name) {
  std::string problem = labelProblem(name);
  if (!problem.empty()) add(path, "\"" + name + "\" is not a valid name (DNS-1123 label): " + problem);
}

void Findings::dnsSubdomain(const std::string& path, const std::string& name) {
  std::string problem;
  if (name.size() > 253) {
    problem = "must be at most 253 characters, got " + std::to_string(name.size());
  } else {
    size_t start = 0;
    while (problem.empty()) {
      const size_t dot = name.find('.', start);
      problem = labelProblem(name.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
  }
  if (!problem.empty()) add(path, "\"" + name + "\" is not a valid name (DNS-1123 subdomain): " + problem);
}

void Findings::labelValue(const std::string& path, const std::string& value) {
  if (value.empty()) return add(path, "must not be empty");
  if (value.size() > 63) return add(path, "must be at most 63 characters (it becomes a label), got " + std::to_string(value.size()));
  for (char c : value) {
    if (!isAlnum(c) && c != '-' && c != '_' && c != '.') {
      return add(path, "\"" + value + "\" may contain only letters, digits, '-', '_' and '.' (it becomes a label)");
    }
  }
  if (!isAlnum(value.front()) || !isAlnum(value.back())) {
    add(path, "\"" + value + "\" must start and end with a letter or digit (it becomes a label)");
  }
}

void Findings::httpUrl(const std::string& path, const std::string& url) {
  const bool scheme = url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
  const size_t hostStart = url.find("//") + 2;
  if (!scheme || url.size() <= hostStart || url[hostStart] == '/') {
    add(path, "must be an http:// or https:// URL with a host, got \"" + url + "\"");
  }
}

void Findings::exactlyOne(const std::string& path, std::initializer_list<std::pair<const char*, bool>> alternatives) {
  std::string names, found;
  int count = 0;
  for (const auto& [name, set] : alternatives) {
    names += (names.empty() ? "" : ", ") + std::string(name);
    if (set) {
      found += (found.empty() ? "" : ", ") + std::string(name);
      ++count;
    }
  }
  if (count != 1) add(path, "must set exactly one of " + names + " (found " + (count ? found : "none") + ")");
}

}  // namespace aviary::api::detail
