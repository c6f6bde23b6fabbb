#pragma once
#include "aviary/analysis/provider.h"

namespace aviary::analysis {

// Runs a command (argv, each argument templated) with a timeout. Its standard output is the
// measurement when it is a number or JSON (read with the same rules as a webhook answer, path `$`);
// otherwise the exit code is the measurement, so `threshold: {max: 0}` turns "exit 0" into a pass.
// A command that cannot start or outlives its timeout (it is then killed) is an Error.
class CommandProvider final : public MetricProvider {
 public:
  Result<MetricValue> fetch(const api::Gate& gate, const QueryContext& context) override;
};

}  // namespace aviary::analysis
