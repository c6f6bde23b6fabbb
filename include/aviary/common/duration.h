#pragma once
// Go-style durations as users write them in specs: "30s", "2m", "1h30m", "500ms", "1.5h".

#include <optional>
#include <string>

#include "aviary/common/clock.h"
#include "aviary/common/result.h"

namespace aviary {

// Parses a non-negative duration. Units: ms, s, m, h (a bare "0" is allowed).
Result<Duration> parseDuration(const std::string& text);
// Shortest readable form: "1h30m", "45s", "250ms", "0s".
std::string formatDuration(Duration d);

}  // namespace aviary

namespace aviary {
// The parsed duration, or `fallback` when text is absent or does not parse (for specs that were
// validated already, where a bad value cannot reach this point).
Duration durationOr(const std::optional<std::string>& text, Duration fallback);
}  // namespace aviary
