#pragma once
// When a pass finds the release cache behind the operator's own last write, it does nothing and the
// informer wakes the release once its watch delivers that write (docs/architecture.md, "Act"). This
// remembers, per release, when the first such pass came, so the pass that finally acts can say how
// long the release waited for the watch: the `cacheBehindMs` of the `rollback reaction` log line.
// Thread-safety: every member may be called from any worker.

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "aviary/common/clock.h"

namespace aviary::controller {

class CacheBehindWaits {
 public:
  // A pass of this release found the cache behind: the wait starts now unless it started already.
  void behind(const std::string& release, TimePoint now);
  // A pass of this release found the cache current: when its wait began, if it waited; forgotten.
  std::optional<TimePoint> caughtUp(const std::string& release);
  // The release is gone: its entry goes too.
  void forget(const std::string& release);

 private:
  std::mutex mutex_;
  std::unordered_map<std::string, TimePoint> since_;  // release key → its first pass that found the cache behind
};

}  // namespace aviary::controller
