#pragma once
// What both kinds of sequential look share: the watched sides of a gate's direction and the text of
// a look's numbers.

#include <optional>
#include <string>

#include "aviary/api/model_release.h"
#include "analysis/judges/format.h"

namespace aviary::analysis {

struct Sides {
  bool increase = false;
  bool decrease = false;
  double count() const { return (increase ? 1.0 : 0.0) + (decrease ? 1.0 : 0.0); }
};

inline Sides watched(api::Direction direction) {
  return {direction != api::Direction::Decrease, direction != api::Direction::Increase};
}

inline std::string boundText(const std::optional<double>& value, const char* unbounded) {
  return value ? fmt(*value) : std::string(unbounded);
}

inline std::string rateText(const api::SequentialCounts& c) { return fmt(c.events) + "/" + fmt(c.total); }

// "[0.8, inf]": the confidence sequence of the rate ratio.
inline std::string intervalText(const std::optional<double>& low, const std::optional<double>& high) {
  return "[" + boundText(low, "0") + ", " + boundText(high, "inf") + "]";
}

}  // namespace aviary::analysis
