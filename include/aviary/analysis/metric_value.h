#pragma once
// What a metric provider returns for one measurement: one number, a sample set (e.g. a range query's
// points), a success/total count pair, or a histogram. Judges accept the shapes they understand and
// answer Error for the others.

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace aviary::analysis {

struct Scalar {
  double value = 0;
};

struct Samples {
  std::vector<double> values;
};

// Event counts, e.g. errors out of requests.
struct Counts {
  double events = 0;
  double total = 0;
};

// Cumulative histogram as Prometheus exposes `_bucket` series: upper bounds ascending, the last +Inf.
struct Histogram {
  struct Bucket {
    double upperBound = 0;
    double cumulativeCount = 0;
  };
  std::vector<Bucket> buckets;
};

// No series matched the query (a distinct outcome: never folded into pass or fail).
struct NoData {};

using MetricValue = std::variant<NoData, Scalar, Samples, Counts, Histogram>;

std::string describeShape(const MetricValue& value);  // "scalar", "samples(n=40)", …

}  // namespace aviary::analysis
