#include "aviary/telemetry/metrics_registry.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "telemetry/text_format.h"

namespace aviary::telemetry {
namespace {

// Metric names are constants in the code, so a bad one is a bug the first run must stop on.
[[noreturn]] void fatal(const std::string& message) {
  std::fprintf(stderr, "aviary telemetry: %s\n", message.c_str());
  std::abort();
}

void checkNames(const std::string& name, const std::vector<std::string>& labelNames, MetricType type) {
  if (!text::isValidMetricName(name)) fatal("invalid metric name '" + name + "'");
  std::set<std::string> seen;
  for (const std::string& label : labelNames) {
    if (!text::isValidLabelName(label)) fatal("metric " + name + ": invalid label name '" + label + "'");
    if (!seen.insert(label).second) fatal("metric " + name + ": label '" + label + "' declared twice");
    if (type == MetricType::Histogram && label == "le") fatal("histogram " + name + ": label 'le' is reserved");
  }
}

std::vector<double> normalizeBuckets(const std::string& name, std::vector<double> buckets) {
  if (std::any_of(buckets.begin(), buckets.end(), [](double b) { return std::isnan(b); })) {
    fatal("histogram " + name + ": NaN bucket");
  }
  std::erase_if(buckets, [](double b) { return std::isinf(b) && b > 0; });
  std::sort(buckets.begin(), buckets.end());
  buckets.erase(std::unique(buckets.begin(), buckets.end()), buckets.end());
  return buckets;
}

}  // namespace

std::vector<double> defaultLatencyBuckets() { return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}; }

MetricsRegistry::MetricsRegistry() {
  dropped_ = &counter(kDroppedSeriesMetric,
                      "Series not created because their family reached its series limit or the labels did not "
                      "match the family's label names.",
                      {"metric"});
}

MetricsRegistry::~MetricsRegistry() = default;

template <class F, class Make>
F& MetricsRegistry::obtain(const std::string& name, MetricType type, const std::vector<std::string>& labelNames,
                           const std::vector<double>* buckets, Make make) {
  checkNames(name, labelNames, type);
  std::lock_guard lock(mutex_);
  if (auto it = families_.find(name); it != families_.end()) {
    FamilyBase& family = *it->second;
    bool sameBuckets = buckets == nullptr || static_cast<Histogram&>(family).buckets() == *buckets;
    if (family.type() != type || family.labelNames() != labelNames || !sameBuckets) {
      fatal("metric " + name + " registered twice with different types, labels or buckets");
    }
    return static_cast<F&>(family);
  }
  std::unique_ptr<F> created(make());
  F& family = *created;
  families_.emplace(name, std::move(created));
  // An unlabelled metric is exported from the start, at zero, as client libraries do.
  if (labelNames.empty()) family.withLabels();
  return family;
}

Counter& MetricsRegistry::counter(const std::string& name, const std::string& help,
                                  std::vector<std::string> labelNames, FamilyOptions options) {
  return obtain<Counter>(name, MetricType::Counter, labelNames, nullptr,
                         [&] { return new Counter(name, help, labelNames, options, dropped_); });
}

Gauge& MetricsRegistry::gauge(const std::string& name, const std::string& help, std::vector<std::string> labelNames,
                              FamilyOptions options) {
  return obtain<Gauge>(name, MetricType::Gauge, labelNames, nullptr,
                       [&] { return new Gauge(name, help, labelNames, options, dropped_); });
}

Histogram& MetricsRegistry::histogram(const std::string& name, const std::string& help,
                                      std::vector<std::string> labelNames, std::vector<double> buckets,
                                      FamilyOptions options) {
  buckets = normalizeBuckets(name, std::move(buckets));
  return obtain<Histogram>(name, MetricType::Histogram, labelNames, &buckets, [&] {
    auto bounds = std::make_shared<const std::vector<double>>(buckets);
    return new Histogram(name, help, labelNames, std::move(bounds), options, dropped_);
  });
}

std::string MetricsRegistry::render() const {
  std::string out;
  std::lock_guard lock(mutex_);
  for (const auto& [name, family] : families_) family->render(out);
  return out;
}

}  // namespace aviary::telemetry
