#pragma once
#include <cstdio>
#include <string>

namespace aviary::analysis {

// Compact number formatting for verdict details ("0.0123", "41.2", "1.3e-05").
inline std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

}  // namespace aviary::analysis
