// One look of a sequential judge: difference the cumulative counts against the last look, then (the
// mixture) add the batch to the likelihoods and decide from the e-values (sequential_rate_test.h), or
// (planned looks) test the cumulative counts at the look's share of the budget (spending_look.cc).
#include <algorithm>
#include <cmath>

#include "aviary/analysis/sequential_rate_test.h"
#include "analysis/judges/direction.h"
#include "analysis/judges/format.h"
#include "analysis/judges/sequential_judges.h"
#include "analysis/judges/sequential_sides.h"

namespace aviary::analysis {

namespace {

namespace seq = sequential;

// Prometheus' increase() extrapolates to the window's edges; whole requests keep the batches exact.
Counts whole(const Counts& c) { return {std::round(c.events), std::round(c.total)}; }

// What arrived since the last look. A counter that went down (a series vanished) adds nothing.
Counts since(const Counts& now, const api::SequentialCounts& before) {
  return {std::max(0.0, now.events - before.events), std::max(0.0, now.total - before.total)};
}

}  // namespace

Judgement SequentialCompareJudge::judge(const MetricValue& canary, const MetricValue* baseline) const {
  api::SequentialState fresh;
  return judgeLook(canary, baseline, fresh);
}

Judgement SequentialCompareJudge::judgeLook(const MetricValue& canary, const MetricValue* baseline,
                                            api::SequentialState& state) const {
  if (!baseline) return lookEnded(api::Verdict::Error, "no baseline measurement");
  auto both = cumulativeCounts(canary, *baseline, state);
  if (auto* end = std::get_if<Judgement>(&both)) return *end;
  const Counts c = whole(std::get<BothCounts>(both).canary), b = whole(std::get<BothCounts>(both).baseline);
  if (!consistent(c) || !consistent(b)) {
    return lookEnded(api::Verdict::Error, "inconsistent counts: canary " + fmt(c.events) + "/" + fmt(c.total) +
                                              ", baseline " + fmt(b.events) + "/" + fmt(b.total));
  }
  const Counts newCanary = since(c, state.canary), newBaseline = since(b, state.baseline);
  if (!(newCanary.total > 0) || !(newBaseline.total > 0)) {
    return lookEnded(api::Verdict::NoData, "no new requests since the last look (canary " + fmt(newCanary.total) +
                                               ", baseline " + fmt(newBaseline.total) + ")");
  }

  if (maxLooks_ > 0) return spendingLook(c, b, state);
  return mixtureLook(c, b, newCanary, newBaseline, state);
}

Judgement SequentialCompareJudge::mixtureLook(const Counts& c, const Counts& b, const Counts& newCanary,
                                              const Counts& newBaseline, api::SequentialState& state) const {
  const Sides sides = watched(spec_.direction);
  std::vector<double> nulls;
  if (sides.increase) nulls.push_back(acceptableIncrease());
  if (sides.decrease) nulls.push_back(acceptableDecrease());
  const auto grid = seq::ratioGrid(nulls);
  if (state.logLikelihoods.size() != grid.size()) state.logLikelihoods.assign(grid.size(), 0.0);
  seq::addBatch(grid, state.logLikelihoods, newCanary.events, newCanary.total, newBaseline.events, newBaseline.total);
  state.canary = {c.events, c.total};
  state.baseline = {b.events, b.total};
  ++state.looks;

  const double alpha = 1 - spec_.confidence;
  const size_t up = seq::gridIndex(grid, acceptableIncrease()), down = seq::gridIndex(grid, acceptableDecrease());
  // Harm: the average of the watched sides' e-values (an average of e-values is one).
  double harm = 0, passUp = INFINITY, passDown = INFINITY;
  if (sides.increase) {
    harm += seq::eValueAbove(state.logLikelihoods, up) / sides.count();
    passUp = seq::eValueBelow(state.logLikelihoods, up);
  }
  if (sides.decrease) {
    harm += seq::eValueBelow(state.logLikelihoods, down) / sides.count();
    passDown = seq::eValueAbove(state.logLikelihoods, down);
  }
  state.eValue = harm;
  state.pValue = std::min(state.pValue, std::min(1.0, 1 / harm));
  const auto cs = seq::confidenceSequence(grid, state.logLikelihoods, alpha);
  state.ratioLow = cs.low;
  state.ratioHigh = cs.high;

  const std::string interval = intervalText(cs.low, cs.high);
  if (state.pValue <= alpha) {
    state.decision = "fail";
    state.reason = "always-valid p " + fmt(state.pValue) + " <= " + fmt(alpha) + ": the canary/baseline ratio is " +
                   (sides.increase && seq::eValueAbove(state.logLikelihoods, up) >= sides.count() / alpha
                        ? "above " + fmt(acceptableIncrease())
                        : "below " + fmt(acceptableDecrease())) +
                   " (confidence sequence " + interval + ")";
  } else if (state.decision.empty() && passUp >= sides.count() / alpha && passDown >= sides.count() / alpha) {
    state.decision = "pass";
    state.reason = "the confidence sequence " + interval + " excludes every harmful ratio";
  }

  Judgement j;
  j.verdict = state.decision == "fail" ? api::Verdict::Fail : api::Verdict::Pass;
  j.value = c.total > 0 ? c.events / c.total : 0;
  j.baseline = b.total > 0 ? b.events / b.total : 0;
  j.detail = "p=" + fmt(state.pValue) + " e=" + fmt(state.eValue) + " ratio cs=" + interval + " canary=" +
             rateText(state.canary) + " baseline=" + rateText(state.baseline) + " looks=" + std::to_string(state.looks) +
             (state.decision.empty() ? "" : " " + state.decision + ": " + state.reason);
  return j;
}

std::string SequentialCompareJudge::describeAs(const std::string& test) const {
  std::string text = test + " " + directionName(spec_.direction) + " sequential confidence " + fmt(spec_.confidence);
  if (maxLooks_ > 0) text += " front-loaded over " + std::to_string(maxLooks_) + " looks";
  if (spec_.allowedIncrease) text += " allowedIncrease " + fmt(*spec_.allowedIncrease);
  if (spec_.allowedDecrease) text += " allowedDecrease " + fmt(*spec_.allowedDecrease);
  return text;
}

}  // namespace aviary::analysis
