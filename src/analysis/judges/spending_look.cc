// One look of a sequential judge with planned looks (alpha_spending.h): the exact one-sided tests of
// the cumulative counts at this look's share α_k of the budget. The stage's plan (maxLooks) is fixed at
// its first look and kept in status, so a spec edit mid-stage cannot re-spend what was spent.
#include <algorithm>
#include <cmath>

#include "aviary/analysis/alpha_spending.h"
#include "analysis/judges/direction.h"
#include "analysis/judges/format.h"
#include "analysis/judges/sequential_judges.h"
#include "analysis/judges/sequential_sides.h"

namespace aviary::analysis {

namespace {

struct LookTest {
  double pHarm = 1;       // the smallest one-sided p of harm over the watched sides, at this look
  bool harmAbove = true;  // which side it came from
  bool excludesHarm = true;  // every watched side's harmful ratios rejected at this look's level
};

}  // namespace

Judgement SequentialCompareJudge::spendingLook(const Counts& c, const Counts& b, api::SequentialState& state) const {
  if (state.maxLooks <= 0) state.maxLooks = maxLooks_;
  state.canary = {c.events, c.total};
  state.baseline = {b.events, b.total};
  const double alpha = 1 - spec_.confidence;
  const Sides sides = watched(spec_.direction);

  if (state.looks >= state.maxLooks) {
    // The budget is spent: the gate has found no harm at its level over its planned looks, and
    // testing again could only add false rollbacks.
    if (state.decision.empty()) {
      state.decision = "pass";
      state.reason = "no harm found over the " + std::to_string(state.maxLooks) + " planned looks";
    }
  } else {
    ++state.looks;
    const double level = spending::lookAlpha(alpha, state.looks, state.maxLooks);
    state.alphaSpent += level;
    const double x = c.events, events = c.events + b.events, share = c.total / (c.total + b.total);
    const double perSide = level / sides.count();
    LookTest t;
    if (sides.increase) {
      t.pHarm = spending::pAbove(x, events, share, acceptableIncrease());
      t.excludesHarm = spending::pBelow(x, events, share, acceptableIncrease()) <= perSide;
    }
    if (sides.decrease) {
      const double below = spending::pBelow(x, events, share, acceptableDecrease());
      if (below < t.pHarm) {
        t.pHarm = below;
        t.harmAbove = false;
      }
      t.excludesHarm = t.excludesHarm && spending::pAbove(x, events, share, acceptableDecrease()) <= perSide;
    }
    // The rollout-level p: the smallest budget α at which some look so far would have rejected.
    state.pValue = std::min(state.pValue, std::min(1.0, t.pHarm * sides.count() * alpha / level));
    const auto interval = spending::ratioInterval(x, events, share, level / 2);
    if (interval.low) state.ratioLow = std::max(state.ratioLow.value_or(0.0), *interval.low);
    if (interval.high) state.ratioHigh = std::min(state.ratioHigh.value_or(INFINITY), *interval.high);

    const std::string cs = " (confidence sequence " + intervalText(state.ratioLow, state.ratioHigh) + ")";
    if (t.pHarm <= perSide) {
      state.decision = "fail";
      state.reason = "look " + std::to_string(state.looks) + " p " + fmt(t.pHarm) + " <= " + fmt(perSide) +
                     ": the canary/baseline ratio is " +
                     (t.harmAbove ? "above " + fmt(acceptableIncrease()) : "below " + fmt(acceptableDecrease())) + cs;
    } else if (state.decision.empty() && t.excludesHarm) {
      state.decision = "pass";
      state.reason = "look " + std::to_string(state.looks) + " excludes every harmful ratio" + cs;
    }
  }

  Judgement j;
  j.verdict = state.decision == "fail" ? api::Verdict::Fail : api::Verdict::Pass;
  j.value = c.total > 0 ? c.events / c.total : 0;
  j.baseline = b.total > 0 ? b.events / b.total : 0;
  j.detail = "p=" + fmt(state.pValue) + " alpha spent=" + fmt(state.alphaSpent) + " ratio cs=" +
             intervalText(state.ratioLow, state.ratioHigh) + " canary=" + rateText(state.canary) +
             " baseline=" + rateText(state.baseline) + " looks=" + std::to_string(state.looks) + "/" +
             std::to_string(state.maxLooks) + (state.decision.empty() ? "" : " " + state.decision + ": " + state.reason);
  return j;
}

}  // namespace aviary::analysis
