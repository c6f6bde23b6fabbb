#include "aviary/analysis/provider.h"

namespace aviary::analysis {

namespace {

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(' '), e = s.find_last_not_of(' ');
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

const std::string* lookup(const std::string& name, const QueryContext& c) {
  if (name == "namespace") return &c.namespace_;
  if (name == "release") return &c.release;
  if (name == "version") return &c.version;
  if (name == "baselineVersion") return &c.baselineVersion;
  if (name == "elapsed") return &c.elapsed;
  if (name == "stageStart") return &c.stageStart;
  return nullptr;
}

}  // namespace

std::string renderTemplate(const std::string& text, const QueryContext& context) {
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t open = text.find("{{", pos);
    if (open == std::string::npos) break;
    size_t close = text.find("}}", open + 2);
    if (close == std::string::npos) break;
    out.append(text, pos, open - pos);
    const std::string* value = lookup(trim(text.substr(open + 2, close - open - 2)), context);
    if (value) {
      out += *value;
    } else {
      out.append(text, open, close + 2 - open);
    }
    pos = close + 2;
  }
  out.append(text, pos, std::string::npos);
  return out;
}

}  // namespace aviary::analysis
