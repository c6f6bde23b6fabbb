#pragma once
// Semantic validation of a decoded ModelRelease: every error with its field path. Covers what the
// CRD schema expresses (so `aviary lint` works offline) and what it cannot (gate references,
// duplicate names, durations, unknown provider/router combinations, confidence in (0,1)).

#include "aviary/api/decode.h"

namespace aviary::api {

FieldErrors validate(const ModelRelease& release);
FieldErrors validate(const ReleaseApproval& approval);

// Decode, then validate what was decoded: what the operator and `aviary lint` both use. Validation
// findings at or under a path that decoding already reported are dropped, so one mistake is one message.
FieldErrors check(const nlohmann::json& object, ModelRelease& out);
FieldErrors check(const nlohmann::json& object, ReleaseApproval& out);

}  // namespace aviary::api
