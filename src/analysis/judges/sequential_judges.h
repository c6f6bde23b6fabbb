#pragma once
// Anytime-valid canary judges (docs/gates.md, "Sequential judges"): they weigh the counts accumulated
// since the stage began at every look, with a test whose chance of ever failing a healthy canary —
// over any number of looks — stays below 1 − confidence (sequential_rate_test.h). A look fails once
// the always-valid p-value of harm drops to 1 − confidence; the gate may pass early once the
// confidence sequence of the rate ratio excludes every harmful ratio. Their queries return counts
// since the stage started (the {{elapsed}} placeholder); the judge differences successive looks.

#include <variant>

#include "aviary/analysis/judge.h"
#include "analysis/judges/judge_inputs.h"

namespace aviary::analysis {

class SequentialCompareJudge : public Judge {
 public:
  // maxLooks 0: the mixture e-process (any number of looks); else the front-loaded spending of
  // alpha_spending.h over that many planned looks (spec.spending front-loaded, api::maxLooksFor).
  explicit SequentialCompareJudge(const api::CompareSpec& spec, int32_t maxLooks = 0) : spec_(spec), maxLooks_(maxLooks) {}
  bool needsBaseline() const final { return true; }
  bool sequential() const final { return true; }
  // One look from a fresh state (what a single measurement shows on its own).
  Judgement judge(const MetricValue& canary, const MetricValue* baseline) const final;
  Judgement judgeLook(const MetricValue& canary, const MetricValue* baseline, api::SequentialState& state) const final;

 protected:
  // Both sides' cumulative event/total counts, or the judgement that ends the look.
  virtual std::variant<BothCounts, Judgement> cumulativeCounts(const MetricValue& canary, const MetricValue& baseline,
                                                               api::SequentialState& state) const = 0;
  // The largest acceptable canary/baseline rate ratio (direction increase) and the smallest (decrease).
  virtual double acceptableIncrease() const = 0;
  virtual double acceptableDecrease() const = 0;
  std::string describeAs(const std::string& test) const;
  api::CompareSpec spec_;
  int32_t maxLooks_;

 private:
  // The decision from the cumulative counts c, b once the batch since the last look is known to hold
  // requests on both sides: the mixture (sequential_look.cc) or the planned looks (spending_look.cc).
  Judgement mixtureLook(const Counts& c, const Counts& b, const Counts& newCanary, const Counts& newBaseline,
                        api::SequentialState& state) const;
  Judgement spendingLook(const Counts& c, const Counts& b, api::SequentialState& state) const;
};

// Error (or any event) rates from event/total counts: the rate ratio's null is allowedIncrease
// (allowedDecrease), 1 when absent.
class SequentialProportionJudge final : public SequentialCompareJudge {
 public:
  using SequentialCompareJudge::SequentialCompareJudge;
  std::string describe() const override;

 private:
  std::variant<BothCounts, Judgement> cumulativeCounts(const MetricValue& canary, const MetricValue& baseline,
                                                       api::SequentialState& state) const override;
  double acceptableIncrease() const override { return spec_.allowedIncrease.value_or(1.0); }
  double acceptableDecrease() const override { return spec_.allowedDecrease.value_or(1.0); }
};

// Latency (any histogram): the exceedance counts of exceedance.h, with the baseline's bucket bound
// chosen at the first look that has minSamples observations and kept for the stage.
class SequentialQuantileJudge final : public SequentialCompareJudge {
 public:
  using SequentialCompareJudge::SequentialCompareJudge;
  std::string describe() const override;

 private:
  std::variant<BothCounts, Judgement> cumulativeCounts(const MetricValue& canary, const MetricValue& baseline,
                                                       api::SequentialState& state) const override;
  // The allowed ratio moved the canary's bucket bound already: the shares themselves must not differ.
  double acceptableIncrease() const override { return 1.0; }
  double acceptableDecrease() const override { return 1.0; }
};

}  // namespace aviary::analysis
