#pragma once
// Judges decide a verdict from measured values; fetching them is a provider's job (see provider.h).
// Judges are pure and stateless: safe to share between threads.

#include <memory>
#include <optional>
#include <string>

#include "aviary/analysis/metric_value.h"
#include "aviary/api/model_release.h"

namespace aviary::analysis {

// The outcome of judging one measurement, with the numbers that led there (shown in status.gates[]).
struct Judgement {
  api::Verdict verdict = api::Verdict::Inconclusive;
  std::optional<double> value;     // the canary's figure (threshold value, rate, mean, psi)
  std::optional<double> baseline;  // the baseline's figure for compare judges
  std::string detail;              // e.g. "p=0.0031 shift=+41.2 ci=[30.1,52.7] ratio=1.62"
};

class Judge {
 public:
  virtual ~Judge() = default;
  // baseline is null for judges that need none (threshold).
  virtual Judgement judge(const MetricValue& canary, const MetricValue* baseline) const = 0;
  // Sequential judges weigh every look of the stage: they read what earlier looks left in `state`
  // (status.gates[].sequential, so it survives a restart) and update it. Others ignore it.
  virtual bool sequential() const { return false; }
  virtual Judgement judgeLook(const MetricValue& canary, const MetricValue* baseline, api::SequentialState& state) const {
    (void)state;
    return judge(canary, baseline);
  }
  virtual bool needsBaseline() const = 0;
  // "threshold max 0.01", "mann-whitney increase confidence 0.98" — for status and events.
  virtual std::string describe() const = 0;
};

using JudgePtr = std::unique_ptr<const Judge>;

// The judge a gate asks for (spec.analysis.gates[].threshold or .compare). The gate must be valid.
// A fixed-horizon compare judge of a gate with count > 1 tests each look at 1 − (1 − confidence)/count
// (Bonferroni), so the gate's chance of failing a healthy canary over its looks stays ≤ 1 − confidence.
JudgePtr makeJudge(const api::Gate& gate);

}  // namespace aviary::analysis
