#pragma once
// When a release is done with its current spec, and how it ended: what `aviary wait` turns into an
// exit code and `aviary status --watch` into stopping. Pure.

#include <string>

#include "aviary/api/model_release.h"

namespace aviary::cli {

enum class Outcome { InProgress, Promoted, Failed };

struct OutcomeJudgement {
  Outcome outcome = Outcome::InProgress;
  std::string reason;  // for Failed: what went wrong (the condition or status message); else empty
};

// Judged only once the operator has acted on the current spec (status.observedGeneration ==
// metadata.generation): Promoted when the spec's version is stable and the phase is Promoted; Failed
// when the phase is RolledBack or Invalid or the Degraded condition is True; else InProgress.
OutcomeJudgement judgeOutcome(const api::ModelRelease& release);

// Promoted or RolledBack for the current spec: nothing more will happen without a new request or spec.
bool settled(const api::ModelRelease& release);

}  // namespace aviary::cli
