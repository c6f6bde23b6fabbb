#include "aviary/controller/cache_behind_waits.h"

namespace aviary::controller {

void CacheBehindWaits::behind(const std::string& release, TimePoint now) {
  std::lock_guard lock(mutex_);
  since_.try_emplace(release, now);
}

std::optional<TimePoint> CacheBehindWaits::caughtUp(const std::string& release) {
  std::lock_guard lock(mutex_);
  auto it = since_.find(release);
  if (it == since_.end()) return std::nullopt;
  TimePoint since = it->second;
  since_.erase(it);
  return since;
}

void CacheBehindWaits::forget(const std::string& release) {
  std::lock_guard lock(mutex_);
  since_.erase(release);
}

}  // namespace aviary::controller
