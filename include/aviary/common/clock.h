#pragma once
// Time behind an interface so the planner, backoff and queue are tested without sleeping.

#include <chrono>
#include <string>

namespace aviary {

using TimePoint = std::chrono::system_clock::time_point;
using Duration = std::chrono::milliseconds;

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time (for timestamps written to status). Thread-safe.
  virtual TimePoint now() const = 0;
};

// The real clock.
class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
};

// A clock tests move by hand.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start = TimePoint{} + std::chrono::hours(24 * 365 * 50)) : now_(start) {}
  TimePoint now() const override { return now_; }
  void advance(Duration d) { now_ += d; }
  void set(TimePoint t) { now_ = t; }

 private:
  TimePoint now_;
};

// RFC 3339 (UTC, seconds precision, "Z"), as Kubernetes writes metav1.Time.
std::string formatRfc3339(TimePoint t);
// Parses RFC 3339 with optional fractional seconds and Z or +hh:mm offset. False when malformed.
bool parseRfc3339(const std::string& text, TimePoint& out);

}  // namespace aviary
