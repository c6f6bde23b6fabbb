#pragma once
// What `aviary wait` prints as a release moves: a line when its summary (phase, versions, step,
// weight, message) changes and one per gate whose verdict or latest measurement changes. Pure: the
// command adds the time of day.

#include <set>
#include <string>
#include <vector>

#include "aviary/api/model_release.h"

namespace aviary::cli {

class ProgressLines {
 public:
  // The lines that are new since the previous call (all of them on the first).
  std::vector<std::string> next(const api::ModelRelease& release);

 private:
  std::string lastSummary_;
  std::set<std::string> gatesShown_;
};

}  // namespace aviary::cli
