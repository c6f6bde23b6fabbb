#pragma once
// What a compare judge needs from both sides' measurements, or the judgement that ends the look
// when it is not there: NoData when either side has no series, Error when a side has another shape
// (the query is wrong, not the canary).

#include <string>
#include <variant>

#include "aviary/analysis/judge.h"

namespace aviary::analysis {

struct BothCounts {
  Counts canary;
  Counts baseline;
};
std::variant<BothCounts, Judgement> bothCounts(const MetricValue& canary, const MetricValue& baseline,
                                               const std::string& test);

// Both histograms, with the same bucket bounds.
struct BothHistograms {
  Histogram canary;
  Histogram baseline;
};
std::variant<BothHistograms, Judgement> bothHistograms(const MetricValue& canary, const MetricValue& baseline,
                                                       const std::string& test);

// 0 ≤ events ≤ total.
bool consistent(const Counts& counts);

// A judgement that ends a look without a decision (NoData, Error) and says why.
Judgement lookEnded(api::Verdict verdict, std::string detail);

}  // namespace aviary::analysis
