#pragma once
// Advice on a valid ModelRelease: things that are allowed but usually not what the author meant.
// `aviary lint` prints them as warnings; they never make a spec invalid.

#include "aviary/api/decode.h"

namespace aviary::api {

FieldErrors advise(const ModelRelease& release);

// True when a PromQL expression divides (a "/" outside label matchers, ranges and strings) and has
// no `or vector(…)` fallback: when the numerator's series do not exist — no errors yet — the ratio
// answers no data instead of 0.
bool ratioCanVanish(const std::string& query);

}  // namespace aviary::api
