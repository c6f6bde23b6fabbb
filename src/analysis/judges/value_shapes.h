#pragma once
// Reading the shapes judges need out of a MetricValue, dropping NaN points (Prometheus answers NaN for
// 0/0 when a version has had no traffic: that is missing data, not a measurement).

#include <optional>
#include <vector>

#include "aviary/analysis/metric_value.h"

namespace aviary::analysis {

// A scalar (samples → their mean, counts → events/total). nullopt when there is no usable number.
std::optional<double> scalarOf(const MetricValue& value);
// The finite points of a sample set (a scalar is one point).
std::vector<double> samplesOf(const MetricValue& value);
double meanOf(const std::vector<double>& values);
// Per-bin counts of a cumulative histogram.
std::vector<double> binCounts(const Histogram& histogram);

}  // namespace aviary::analysis
