#include "analysis/command/command_provider.h"

#include "analysis/command/child_process.h"
#include "analysis/json_number.h"
#include "aviary/common/duration.h"

namespace aviary::analysis {

namespace {

constexpr size_t kMaxOutputBytes = 1 << 20;

std::string trimmed(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

}  // namespace

Result<MetricValue> CommandProvider::fetch(const api::Gate& gate, const QueryContext& context) {
  if (!gate.command || gate.command->command.empty()) {
    return makeError(ErrorCode::InvalidSpec, "gate " + gate.name + " has no command");
  }
  std::vector<std::string> argv;
  for (const auto& arg : gate.command->command) argv.push_back(renderTemplate(arg, context));
  const Duration timeout = durationOr(gate.command->timeout, Duration{10'000});
  auto ran = runChild(argv, timeout, kMaxOutputBytes);
  if (!ran.ok()) return ran.error();
  const std::string output = trimmed(ran->output);
  if (!output.empty()) {
    auto selected = selectMetric(output, "$");
    if (selected.ok()) return selected;
  }
  return MetricValue{Scalar{static_cast<double>(ran->exitCode)}};
}

}  // namespace aviary::analysis
