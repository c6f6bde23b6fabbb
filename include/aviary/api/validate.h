#pragma once
// Semantic validation of a decoded ModelRelease: every error with its field path. Covers what the
// CRD schema expresses (so `aviary lint` works offline) and what it cannot (gate references,
// duplicate names, durations, unknown provider/router combinations, confidence in (0,1)).

#include "aviary/api/decode.h"

namespace aviary::api {

FieldErrors validate(const ModelRelease& release);
FieldErrors validate(const ReleaseApproval& approval);

}  // namespace aviary::api
