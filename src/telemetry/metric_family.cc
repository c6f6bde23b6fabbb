#include <algorithm>
#include <cmath>
#include <mutex>

#include "aviary/telemetry/metrics_registry.h"
#include "telemetry/text_format.h"

namespace aviary::telemetry {
namespace {

const char* typeName(MetricType type) {
  switch (type) {
    case MetricType::Counter:
      return "counter";
    case MetricType::Gauge:
      return "gauge";
    case MetricType::Histogram:
      return "histogram";
  }
  return "untyped";
}

}  // namespace

namespace detail {

HistogramCell::HistogramCell(std::shared_ptr<const std::vector<double>> upperBounds)
    : bounds(std::move(upperBounds)), counts(new std::atomic<std::uint64_t>[bounds->size() + 1]) {
  for (std::size_t i = 0; i <= bounds->size(); ++i) counts[i].store(0, std::memory_order_relaxed);
}

}  // namespace detail

void CounterSeries::inc(double amount) const {
  if (!(amount >= 0.0)) return;  // also false for NaN
  cell_->value.fetch_add(amount, std::memory_order_relaxed);
}

void HistogramSeries::observe(double value) const {
  if (std::isnan(value)) return;
  const std::vector<double>& bounds = *cell_->bounds;
  // Bucket i counts observations <= bounds[i]; the last slot is +Inf.
  std::size_t index = std::lower_bound(bounds.begin(), bounds.end(), value) - bounds.begin();
  cell_->counts[index].fetch_add(1, std::memory_order_relaxed);
  cell_->sum.fetch_add(value, std::memory_order_relaxed);
}

std::uint64_t HistogramSeries::count() const {
  std::uint64_t total = 0;
  for (std::size_t i = 0; i <= cell_->bounds->size(); ++i) total += cell_->counts[i].load(std::memory_order_relaxed);
  return total;
}

FamilyBase::FamilyBase(MetricType type, std::string name, std::string help, std::vector<std::string> labelNames,
                       FamilyOptions options, Counter* dropped)
    : type_(type),
      name_(std::move(name)),
      help_(std::move(help)),
      labelNames_(std::move(labelNames)),
      options_(options),
      dropped_(dropped) {}

bool FamilyBase::orderValues(const Labels& labels, std::vector<std::string>& values) const {
  if (labels.size() != labelNames_.size()) return false;
  values.assign(labelNames_.size(), std::string());
  std::vector<bool> seen(labelNames_.size(), false);
  for (const LabelPair& label : labels) {
    auto it = std::find(labelNames_.begin(), labelNames_.end(), label.name);
    if (it == labelNames_.end()) return false;
    std::size_t index = it - labelNames_.begin();
    if (seen[index]) return false;
    seen[index] = true;
    values[index] = label.value;
  }
  return true;
}

std::shared_ptr<detail::Cell> FamilyBase::refuse() {
  if (dropped_ != nullptr) dropped_->withLabels({"metric", name_}).inc();
  return makeCell();
}

std::shared_ptr<detail::Cell> FamilyBase::cellForLabels(const Labels& labels) {
  std::vector<std::string> values;
  if (!orderValues(labels, values)) return refuse();
  return cellForValues(values);
}

std::shared_ptr<detail::Cell> FamilyBase::cellForValues(const std::vector<std::string>& values) {
  if (values.size() != labelNames_.size()) return refuse();
  {
    std::shared_lock lock(mutex_);
    auto it = series_.find(values);
    if (it != series_.end()) return it->second;
  }
  std::unique_lock lock(mutex_);
  return createLocked(lock, values);
}

std::shared_ptr<detail::Cell> FamilyBase::createLocked(std::unique_lock<std::shared_mutex>& lock,
                                                       const std::vector<std::string>& values) {
  auto it = series_.find(values);  // another thread may have created it since the shared lock
  if (it != series_.end()) return it->second;
  if (options_.maxSeries != 0 && series_.size() >= options_.maxSeries) {
    lock.unlock();  // the dropped counter is another family with its own lock
    return refuse();
  }
  return series_.emplace(values, makeCell()).first->second;
}

std::shared_ptr<detail::Cell> FamilyBase::cellReplacing(const Labels& subset, const std::vector<std::string>& values) {
  Matcher matcher;
  if (values.size() != labelNames_.size() || !matcherFor(subset, matcher)) return refuse();
  std::unique_lock lock(mutex_);
  std::erase_if(series_, [&](const auto& entry) { return matches(matcher, entry.first) && entry.first != values; });
  return createLocked(lock, values);
}

bool FamilyBase::remove(const Labels& labels) {
  std::vector<std::string> values;
  if (!orderValues(labels, values)) return false;
  std::unique_lock lock(mutex_);
  return series_.erase(values) > 0;
}

bool FamilyBase::matcherFor(const Labels& subset, Matcher& matcher) const {
  for (const LabelPair& label : subset) {
    auto it = std::find(labelNames_.begin(), labelNames_.end(), label.name);
    if (it == labelNames_.end()) return false;
    matcher.emplace_back(it - labelNames_.begin(), &label.value);
  }
  return true;
}

bool FamilyBase::matches(const Matcher& matcher, const std::vector<std::string>& values) {
  return std::all_of(matcher.begin(), matcher.end(),
                     [&](const auto& want) { return values[want.first] == *want.second; });
}

std::size_t FamilyBase::removeMatching(const Labels& subset) {
  Matcher matcher;
  // No series can carry a label the family does not have.
  if (!matcherFor(subset, matcher)) return 0;
  std::unique_lock lock(mutex_);
  return std::erase_if(series_, [&](const auto& entry) { return matches(matcher, entry.first); });
}

std::size_t FamilyBase::seriesCount() const {
  std::shared_lock lock(mutex_);
  return series_.size();
}

std::shared_ptr<detail::Cell> FamilyBase::makeCell() const { return std::make_shared<detail::ScalarCell>(); }

void FamilyBase::renderCell(std::string& out, const std::vector<std::string>& values,
                            const detail::Cell& cell) const {
  double value = static_cast<const detail::ScalarCell&>(cell).value.load(std::memory_order_relaxed);
  text::appendSample(out, name_, labelNames_, values, {}, {}, value);
}

void FamilyBase::render(std::string& out) const {
  std::shared_lock lock(mutex_);
  if (series_.empty()) return;
  out += "# HELP ";
  out += name_;
  out += ' ';
  text::appendEscapedHelp(out, help_);
  out += "\n# TYPE ";
  out += name_;
  out += ' ';
  out += typeName(type_);
  out += '\n';
  for (const auto& [values, cell] : series_) renderCell(out, values, *cell);
}

Counter::Counter(std::string name, std::string help, std::vector<std::string> labelNames, FamilyOptions options,
                 Counter* dropped)
    : Family(MetricType::Counter, std::move(name), std::move(help), std::move(labelNames), options, dropped) {}

Gauge::Gauge(std::string name, std::string help, std::vector<std::string> labelNames, FamilyOptions options,
             Counter* dropped)
    : Family(MetricType::Gauge, std::move(name), std::move(help), std::move(labelNames), options, dropped) {}

Histogram::Histogram(std::string name, std::string help, std::vector<std::string> labelNames,
                     std::shared_ptr<const std::vector<double>> bounds, FamilyOptions options, Counter* dropped)
    : Family(MetricType::Histogram, std::move(name), std::move(help), std::move(labelNames), options, dropped),
      bounds_(std::move(bounds)) {}

std::shared_ptr<detail::Cell> Histogram::makeCell() const { return std::make_shared<detail::HistogramCell>(bounds_); }

void Histogram::renderCell(std::string& out, const std::vector<std::string>& values,
                           const detail::Cell& cell) const {
  const auto& histogram = static_cast<const detail::HistogramCell&>(cell);
  const std::string bucketName = name() + "_bucket";
  // Read each slot once so the cumulative buckets, +Inf and _count agree even while observations
  // land concurrently (_sum may then be a few observations ahead or behind; Prometheus accepts that).
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < bounds_->size(); ++i) {
    cumulative += histogram.counts[i].load(std::memory_order_relaxed);
    text::appendSample(out, bucketName, labelNames(), values, "le", text::formatNumber((*bounds_)[i]),
                       static_cast<double>(cumulative));
  }
  cumulative += histogram.counts[bounds_->size()].load(std::memory_order_relaxed);
  text::appendSample(out, bucketName, labelNames(), values, "le", "+Inf", static_cast<double>(cumulative));
  text::appendSample(out, name() + "_sum", labelNames(), values, {}, {},
                     histogram.sum.load(std::memory_order_relaxed));
  text::appendSample(out, name() + "_count", labelNames(), values, {}, {}, static_cast<double>(cumulative));
}

}  // namespace aviary::telemetry
