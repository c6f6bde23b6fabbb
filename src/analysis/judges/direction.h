#pragma once
// The shared last step of every canary-versus-baseline judge: given whether the canary is significantly
// higher or lower than the baseline, and by what ratio, does the gate's direction make that a failure?

#include "aviary/api/model_release.h"

namespace aviary::analysis {

struct Difference {
  bool significantlyHigher = false;
  bool significantlyLower = false;
  double ratio = 1;  // canary / baseline (1 when the baseline is 0 and so is the canary)
};

// Fail when the canary moved in a watched direction AND by at least the allowed effect size
// (allowedIncrease, default 1.0: any significant increase; allowedDecrease, default 1.0).
api::Verdict classify(const Difference& difference, const api::CompareSpec& spec);

const char* directionName(api::Direction direction);

// canary/baseline, guarding a zero baseline.
double safeRatio(double canary, double baseline);

}  // namespace aviary::analysis
