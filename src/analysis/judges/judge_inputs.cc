#include "analysis/judges/judge_inputs.h"

#include <cmath>

namespace aviary::analysis {

namespace {

bool noData(const MetricValue& canary, const MetricValue& baseline) {
  return std::holds_alternative<NoData>(canary) || std::holds_alternative<NoData>(baseline);
}

std::string shapes(const MetricValue& canary, const MetricValue& baseline) {
  return "canary " + describeShape(canary) + ", baseline " + describeShape(baseline);
}

bool sameBuckets(const Histogram& a, const Histogram& b) {
  if (a.buckets.size() != b.buckets.size()) return false;
  for (size_t i = 0; i < a.buckets.size(); ++i) {
    const double x = a.buckets[i].upperBound, y = b.buckets[i].upperBound;
    if (!(x == y || (std::isinf(x) && std::isinf(y)))) return false;
  }
  return true;
}

}  // namespace

std::variant<BothCounts, Judgement> bothCounts(const MetricValue& canary, const MetricValue& baseline,
                                               const std::string& test) {
  if (noData(canary, baseline)) return lookEnded(api::Verdict::NoData, "no data");
  const auto* c = std::get_if<Counts>(&canary);
  const auto* b = std::get_if<Counts>(&baseline);
  if (!c || !b) {
    return lookEnded(api::Verdict::Error, test + " needs event/total counts, got " + shapes(canary, baseline));
  }
  return BothCounts{*c, *b};
}

std::variant<BothHistograms, Judgement> bothHistograms(const MetricValue& canary, const MetricValue& baseline,
                                                       const std::string& test) {
  if (noData(canary, baseline)) return lookEnded(api::Verdict::NoData, "no data");
  const auto* c = std::get_if<Histogram>(&canary);
  const auto* b = std::get_if<Histogram>(&baseline);
  if (!c || !b) return lookEnded(api::Verdict::Error, test + " needs histograms, got " + shapes(canary, baseline));
  if (!sameBuckets(*c, *b)) {
    return lookEnded(api::Verdict::Error, "canary and baseline histograms have different buckets");
  }
  return BothHistograms{*c, *b};
}

Judgement lookEnded(api::Verdict verdict, std::string detail) {
  Judgement j;
  j.verdict = verdict;
  j.detail = std::move(detail);
  return j;
}

bool consistent(const Counts& counts) {
  return counts.events >= 0 && counts.total >= 0 && counts.events <= counts.total;
}

}  // namespace aviary::analysis
