#pragma once
// Where a due measurement's values come from. The analysis runner never calls a provider itself: it
// asks a MeasurementSource, which either fetches at once (InlineMeasurements: tests, one-shot tools)
// or in the background (MeasurementPool, the operator), so a reconcile pass never waits on
// Prometheus, a webhook or a command. Judging stays with the runner, on the pass's own thread, because
// sequential judges carry their state in status.

#include <functional>
#include <optional>
#include <string>
#include <tuple>

#include "aviary/analysis/metric_value.h"
#include "aviary/common/clock.h"
#include "aviary/common/result.h"

namespace aviary::analysis {

// One look of one gate: the release ("namespace/name"), the stage and gate, the time the look was due
// (status.gates[].nextMeasurementAt) and the versions compared. A new rollout, a restarted stage or the
// next look is another key, so a value fetched for an old one is never judged for a new one.
struct MeasurementKey {
  std::string release;
  std::string stage;
  std::string gate;
  std::string dueAt;
  std::string canary;
  std::string baseline;

  friend bool operator<(const MeasurementKey& a, const MeasurementKey& b) {
    return std::tie(a.release, a.stage, a.gate, a.dueAt, a.canary, a.baseline) <
           std::tie(b.release, b.stage, b.gate, b.dueAt, b.canary, b.baseline);
  }
};

// What a look fetched: the canary's value and, for judges that compare, the baseline's. An Error is the
// measurement's Error (the gate counts it toward consecutiveErrorLimit; it never promotes).
struct FetchedValues {
  Result<MetricValue> canary{NoData{}};
  std::optional<Result<MetricValue>> baseline;
  TimePoint startedAt;  // the measurement's time (its interval counts from here)
  TimePoint readyAt;    // when the values were in hand (rollback reaction is measured from here)
  // The gate's judge finds these values failing: evidence that may roll the release back, so its
  // release is woken ahead of every other (docs/architecture.md, "Measurements off the reconcile path").
  bool failing = false;
};

using FetchWork = std::function<FetchedValues()>;

class MeasurementSource {
 public:
  virtual ~MeasurementSource() = default;
  // The values of the look named key: now, or nullopt while they are being fetched, in which case
  // the release is woken (its key enqueued) once they are ready. work fetches them; it may run on
  // another thread and must own everything it uses.
  virtual std::optional<FetchedValues> take(const MeasurementKey& key, FetchWork work) = 0;
  // Drops the looks of a release's stage (every stage when stage is empty) not yet taken: an aborted
  // or finished stage, a deleted release. A fetch in flight finishes, and its values are dropped.
  virtual void cancel(const std::string& release, const std::string& stage) = 0;
};

// Fetches on the caller's thread.
class InlineMeasurements final : public MeasurementSource {
 public:
  std::optional<FetchedValues> take(const MeasurementKey&, FetchWork work) override { return work(); }
  void cancel(const std::string&, const std::string&) override {}
};

}  // namespace aviary::analysis
