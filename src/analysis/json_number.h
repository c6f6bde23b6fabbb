#pragma once
// Reading a measurement out of JSON text (webhook answers, command output) with a small JSONPath
// subset: `$`, `.field`, `['field']`, `[index]` and `[*]` (every element → a sample set).

#include <string>

#include "aviary/analysis/metric_value.h"
#include "aviary/common/result.h"

namespace aviary::analysis {

// A number → Scalar, an array of numbers → Samples, {"events":…,"total":…} → Counts, null → NoData.
Result<MetricValue> selectMetric(const std::string& jsonText, const std::string& path);

}  // namespace aviary::analysis
