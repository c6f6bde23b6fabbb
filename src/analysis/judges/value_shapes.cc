#include "analysis/judges/value_shapes.h"

#include <cmath>
#include <numeric>
#include <string>

namespace aviary::analysis {

namespace {
template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;
}  // namespace

std::vector<double> samplesOf(const MetricValue& value) {
  std::vector<double> points;
  if (auto* s = std::get_if<Samples>(&value)) {
    for (double v : s->values) {
      if (std::isfinite(v)) points.push_back(v);
    }
  } else if (auto* sc = std::get_if<Scalar>(&value); sc && std::isfinite(sc->value)) {
    points.push_back(sc->value);
  }
  return points;
}

double meanOf(const std::vector<double>& values) {
  return values.empty() ? 0 : std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

std::optional<double> scalarOf(const MetricValue& value) {
  return std::visit(Overloaded{
                        [](const Scalar& s) -> std::optional<double> {
                          if (std::isfinite(s.value)) return s.value;
                          return std::nullopt;
                        },
                        [](const Samples& s) -> std::optional<double> {
                          auto points = samplesOf(s);
                          if (points.empty()) return std::nullopt;
                          return meanOf(points);
                        },
                        [](const Counts& c) -> std::optional<double> {
                          if (!(c.total > 0)) return std::nullopt;
                          return c.events / c.total;
                        },
                        [](const auto&) -> std::optional<double> { return std::nullopt; },
                    },
                    value);
}

std::vector<double> binCounts(const Histogram& histogram) {
  std::vector<double> bins;
  double previous = 0;
  for (const auto& bucket : histogram.buckets) {
    bins.push_back(std::max(0.0, bucket.cumulativeCount - previous));
    previous = bucket.cumulativeCount;
  }
  return bins;
}

std::string describeShape(const MetricValue& value) {
  return std::visit(Overloaded{
                        [](const NoData&) { return std::string("no data"); },
                        [](const Scalar&) { return std::string("scalar"); },
                        [](const Samples& s) { return "samples(n=" + std::to_string(s.values.size()) + ")"; },
                        [](const Counts&) { return std::string("counts"); },
                        [](const Histogram& h) { return "histogram(" + std::to_string(h.buckets.size()) + " buckets)"; },
                    },
                    value);
}

}  // namespace aviary::analysis
