#pragma once
// Time behind an interface so the planner, backoff and queue are tested without sleeping.

#include <chrono>
#include <string>

namespace aviary {

using TimePoint = std::chrono::system_clock::time_point;
using MonotonicTime = std::chrono::steady_clock::time_point;
using Duration = std::chrono::milliseconds;

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time (for timestamps written to status and compared across processes). Thread-safe.
  virtual TimePoint now() const = 0;
  // Monotonic time, for delays and deadlines within this process (work-queue delays, the leader's
  // renew deadline): it never jumps when the wall clock is set. Thread-safe.
  virtual MonotonicTime monotonicNow() const = 0;
};

// The real clock.
class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
  MonotonicTime monotonicNow() const override { return std::chrono::steady_clock::now(); }
};

// A clock tests move by hand: advance() moves both times, set() only the wall clock (a jump of the
// system time, which monotonic deadlines must not feel).
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start = TimePoint{} + std::chrono::hours(24 * 365 * 50)) : now_(start) {}
  TimePoint now() const override { return now_; }
  MonotonicTime monotonicNow() const override { return monotonic_; }
  void advance(Duration d) {
    now_ += d;
    monotonic_ += d;
  }
  void set(TimePoint t) { now_ = t; }

 private:
  TimePoint now_;
  MonotonicTime monotonic_ = MonotonicTime{} + std::chrono::hours(1);
};

// RFC 3339 (UTC, seconds precision, "Z"), as Kubernetes writes metav1.Time.
std::string formatRfc3339(TimePoint t);
// Parses RFC 3339 with optional fractional seconds and Z or +hh:mm offset. False when malformed.
bool parseRfc3339(const std::string& text, TimePoint& out);

}  // namespace aviary
