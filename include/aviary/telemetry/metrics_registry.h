#pragma once
// Metrics the operator exposes on /metrics, in the Prometheus text exposition format 0.0.4.
//
// A MetricsRegistry owns metric families (Counter, Gauge, Histogram). A family has a fixed list of
// label names, declared once; each distinct set of label values is one series:
//
//   Counter& requests = registry.counter("aviary_kube_requests_total", "…", {"verb", "code"});
//   requests.withLabels({"verb", "GET"}, {"code", "200"}).inc();
//
// Cost: a series is a few atomics. Finding an existing series takes a shared (reader) lock on its
// family; only creating or removing a series takes the exclusive lock. A hot path may keep the
// returned handle and skip the lookup.
//
// Cardinality is bounded: a family may declare FamilyOptions::maxSeries. A series that would exceed it
// is not created; the caller gets a detached handle (updates go nowhere) and the refusal is counted in
// aviary_metrics_dropped_series_total{metric}. Label names that do not match the family's declared
// names are a caller bug, handled the same way rather than crashing a rollout.
//
// Invalid metric or label names, and registering one name twice with a different type, labels or
// buckets, are programming errors caught at startup: the process prints the reason and aborts.
// Registering the same name with the same shape again returns the existing family.
//
// Thread-safety: every method of the registry, families and series handles may be called from any
// thread. Ownership: the registry owns its families (returned references live as long as it); a
// series handle shares ownership of its storage, so it stays safe to use after remove(), though a
// removed series is no longer rendered.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

namespace aviary::telemetry {

struct LabelPair {
  std::string name;
  std::string value;
};
using Labels = std::vector<LabelPair>;

struct FamilyOptions {
  std::size_t maxSeries = 0;  // 0: unbounded
};

enum class MetricType { Counter, Gauge, Histogram };

// Prometheus's default buckets, in seconds: 0.005 … 10.
std::vector<double> defaultLatencyBuckets();

namespace detail {

struct Cell {
  virtual ~Cell() = default;
};

struct ScalarCell final : Cell {
  std::atomic<double> value{0.0};
};

struct HistogramCell final : Cell {
  explicit HistogramCell(std::shared_ptr<const std::vector<double>> upperBounds);
  // Finite upper bounds, strictly increasing; counts_ has one more slot, for +Inf.
  std::shared_ptr<const std::vector<double>> bounds;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts;
  std::atomic<double> sum{0.0};
};

}  // namespace detail

// One counter series: only goes up.
class CounterSeries {
 public:
  using Cell = detail::ScalarCell;
  explicit CounterSeries(std::shared_ptr<Cell> cell) : cell_(std::move(cell)) {}
  // Negative and NaN amounts are ignored: a counter never decreases.
  void inc(double amount = 1.0) const;
  double value() const { return cell_->value.load(std::memory_order_relaxed); }

 private:
  std::shared_ptr<Cell> cell_;
};

// One gauge series: any value, set or moved.
class GaugeSeries {
 public:
  using Cell = detail::ScalarCell;
  explicit GaugeSeries(std::shared_ptr<Cell> cell) : cell_(std::move(cell)) {}
  void set(double value) const { cell_->value.store(value, std::memory_order_relaxed); }
  void add(double amount) const { cell_->value.fetch_add(amount, std::memory_order_relaxed); }
  void inc() const { add(1.0); }
  void dec() const { add(-1.0); }
  double value() const { return cell_->value.load(std::memory_order_relaxed); }

 private:
  std::shared_ptr<Cell> cell_;
};

// One histogram series: observations counted into the family's buckets.
class HistogramSeries {
 public:
  using Cell = detail::HistogramCell;
  explicit HistogramSeries(std::shared_ptr<Cell> cell) : cell_(std::move(cell)) {}
  // NaN observations are ignored (one would turn _sum into NaN for good).
  void observe(double value) const;
  std::uint64_t count() const;
  double sum() const { return cell_->sum.load(std::memory_order_relaxed); }

 private:
  std::shared_ptr<Cell> cell_;
};

class Counter;

// What the three family types share: identity, the series map, removal and rendering.
class FamilyBase {
 public:
  virtual ~FamilyBase() = default;
  FamilyBase(const FamilyBase&) = delete;
  FamilyBase& operator=(const FamilyBase&) = delete;

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<std::string>& labelNames() const { return labelNames_; }
  MetricType type() const { return type_; }

  // Removes the series with exactly these labels (any order). False when there was none.
  bool remove(const Labels& labels);
  // Removes every series whose labels include all of `subset` (e.g. one release's series in a family
  // that also has a gate label). Returns how many were removed.
  std::size_t removeMatching(const Labels& subset);
  std::size_t seriesCount() const;

  // Appends this family's # HELP, # TYPE and samples, series ordered by label values. A labelled
  // family with no series renders nothing.
  void render(std::string& out) const;

 protected:
  FamilyBase(MetricType type, std::string name, std::string help, std::vector<std::string> labelNames,
             FamilyOptions options, Counter* dropped);

  // The series for these labels, created on first use; a detached cell when refused (see the top).
  std::shared_ptr<detail::Cell> cellForLabels(const Labels& labels);
  // Values in the order of labelNames().
  std::shared_ptr<detail::Cell> cellForValues(const std::vector<std::string>& values);
  // Under one lock: removes the series matching `subset` other than `values`, then as cellForValues.
  std::shared_ptr<detail::Cell> cellReplacing(const Labels& subset, const std::vector<std::string>& values);

 private:
  // Counters and gauges share one scalar cell and sample line; Histogram overrides both.
  virtual std::shared_ptr<detail::Cell> makeCell() const;
  virtual void renderCell(std::string& out, const std::vector<std::string>& values,
                          const detail::Cell& cell) const;
  std::shared_ptr<detail::Cell> refuse();
  // Creates the series under the exclusive lock held by `lock`, unless the family is full.
  std::shared_ptr<detail::Cell> createLocked(std::unique_lock<std::shared_mutex>& lock,
                                             const std::vector<std::string>& values);
  // (label index, wanted value) for each pair of `subset`; false when a name is not one of the family's.
  using Matcher = std::vector<std::pair<std::size_t, const std::string*>>;
  bool matcherFor(const Labels& subset, Matcher& matcher) const;
  static bool matches(const Matcher& matcher, const std::vector<std::string>& values);
  // The values ordered as labelNames(); false when the names do not match them.
  bool orderValues(const Labels& labels, std::vector<std::string>& values) const;

  const MetricType type_;
  const std::string name_;
  const std::string help_;
  const std::vector<std::string> labelNames_;
  const FamilyOptions options_;
  Counter* const dropped_;  // nullptr for the dropped-series counter itself

  mutable std::shared_mutex mutex_;
  std::map<std::vector<std::string>, std::shared_ptr<detail::Cell>> series_;
};

// The typed face of a family: withLabels(...) returns that family's series handle. Overloads up to six
// pairs give the `withLabels({"verb", "GET"}, {"code", "200"})` spelling; withLabelSet takes any number.
template <class Series>
class Family : public FamilyBase {
 public:
  Series withLabelSet(const Labels& labels) { return typed(cellForLabels(labels)); }
  Series withValues(const std::vector<std::string>& values) { return typed(cellForValues(values)); }
  // Makes `values` the only series among those matching `subset`, atomically for a scrape: e.g. a
  // release's phase series moving from one phase to the next.
  Series replaceMatching(const Labels& subset, const std::vector<std::string>& values) {
    return typed(cellReplacing(subset, values));
  }

  Series withLabels() { return withLabelSet({}); }
  Series withLabels(const LabelPair& a) { return withLabelSet({a}); }
  Series withLabels(const LabelPair& a, const LabelPair& b) { return withLabelSet({a, b}); }
  Series withLabels(const LabelPair& a, const LabelPair& b, const LabelPair& c) {
    return withLabelSet({a, b, c});
  }
  Series withLabels(const LabelPair& a, const LabelPair& b, const LabelPair& c, const LabelPair& d) {
    return withLabelSet({a, b, c, d});
  }
  Series withLabels(const LabelPair& a, const LabelPair& b, const LabelPair& c, const LabelPair& d,
                    const LabelPair& e) {
    return withLabelSet({a, b, c, d, e});
  }
  Series withLabels(const LabelPair& a, const LabelPair& b, const LabelPair& c, const LabelPair& d,
                    const LabelPair& e, const LabelPair& f) {
    return withLabelSet({a, b, c, d, e, f});
  }

 protected:
  using FamilyBase::FamilyBase;

 private:
  static Series typed(std::shared_ptr<detail::Cell> cell) {
    return Series(std::static_pointer_cast<typename Series::Cell>(std::move(cell)));
  }
};

class Counter final : public Family<CounterSeries> {
 public:
  // For a family without labels.
  void inc(double amount = 1.0) { withLabels().inc(amount); }

 private:
  friend class MetricsRegistry;
  Counter(std::string name, std::string help, std::vector<std::string> labelNames, FamilyOptions options,
          Counter* dropped);
};

class Gauge final : public Family<GaugeSeries> {
 public:
  // For a family without labels.
  void set(double value) { withLabels().set(value); }

 private:
  friend class MetricsRegistry;
  Gauge(std::string name, std::string help, std::vector<std::string> labelNames, FamilyOptions options,
        Counter* dropped);
};

class Histogram final : public Family<HistogramSeries> {
 public:
  // For a family without labels.
  void observe(double value) { withLabels().observe(value); }
  const std::vector<double>& buckets() const { return *bounds_; }

 private:
  friend class MetricsRegistry;
  Histogram(std::string name, std::string help, std::vector<std::string> labelNames,
            std::shared_ptr<const std::vector<double>> bounds, FamilyOptions options, Counter* dropped);
  std::shared_ptr<detail::Cell> makeCell() const override;
  void renderCell(std::string& out, const std::vector<std::string>& values,
                  const detail::Cell& cell) const override;

  std::shared_ptr<const std::vector<double>> bounds_;
};

class MetricsRegistry {
 public:
  // Name of the counter of refused series, labelled {metric}.
  static constexpr const char* kDroppedSeriesMetric = "aviary_metrics_dropped_series_total";

  MetricsRegistry();
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  Counter& counter(const std::string& name, const std::string& help, std::vector<std::string> labelNames = {},
                   FamilyOptions options = {});
  Gauge& gauge(const std::string& name, const std::string& help, std::vector<std::string> labelNames = {},
               FamilyOptions options = {});
  // Buckets are upper bounds; they are sorted and deduplicated, +Inf is implicit (and dropped if
  // given). NaN is a programming error.
  Histogram& histogram(const std::string& name, const std::string& help, std::vector<std::string> labelNames = {},
                       std::vector<double> buckets = defaultLatencyBuckets(), FamilyOptions options = {});

  // Every family in name order, in the text exposition format 0.0.4.
  std::string render() const;

 private:
  // The family registered under `name` when it has this shape (aborts when the shape differs), else
  // the one `make` creates, now registered.
  template <class F, class Make>
  F& obtain(const std::string& name, MetricType type, const std::vector<std::string>& labelNames,
            const std::vector<double>* buckets, Make make);

  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<FamilyBase>> families_;
  Counter* dropped_ = nullptr;
};

}  // namespace aviary::telemetry
