#pragma once
// For tests that read the Prometheus text exposition.

#include <string>

namespace aviary::simulator {

// True when `line` is one whole line of `text` (rendered expositions start with "# HELP", so a sample
// line is always preceded by a newline).
inline bool hasLine(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}

}  // namespace aviary::simulator
