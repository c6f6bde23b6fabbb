#include "cli/progress_lines.h"

#include "cli/status_view.h"

namespace aviary::cli {

std::vector<std::string> ProgressLines::next(const api::ModelRelease& release) {
  std::vector<std::string> lines;
  std::string summary = summaryLine(release);
  if (summary != lastSummary_) {
    lines.push_back(summary);
    lastSummary_ = std::move(summary);
  }
  for (auto& gate : gateLines(release)) {
    if (gatesShown_.insert(gate).second) lines.push_back("  gate " + gate);
  }
  return lines;
}

}  // namespace aviary::cli
