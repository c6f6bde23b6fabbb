#pragma once
// Prometheus HTTP API answers (/api/v1/query, /api/v1/query_range) → MetricValue:
//   scalar → Scalar; empty vector/matrix → NoData; a vector whose series carry `le` → Histogram (summed
//   per bucket across other labels); one series → Scalar; several series → Samples (one per series);
//   matrix → Samples of every point. "NaN"/"+Inf" points are kept (judges drop non-finite ones).

#include <string>

#include "aviary/analysis/metric_value.h"
#include "aviary/common/result.h"

namespace aviary::analysis {

Result<MetricValue> parsePrometheusResponse(long httpStatus, const std::string& body);

}  // namespace aviary::analysis
