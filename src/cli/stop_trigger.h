#pragma once
// For commands that follow a release until something happens (status --watch, wait, approve): a flag
// that becomes true when the user interrupts (SIGINT / SIGTERM: Ctrl-C, or a script's kill) or when
// the command's deadline passes, and which of the two it was, so the command can exit with the code
// that says so. A second Ctrl-C exits at once (runtime::ShutdownSignals).
// Construct it before the k8s client: signals are blocked in the constructing thread and every
// thread started afterwards inherits that.

#include <atomic>
#include <optional>
#include <thread>

#include "aviary/common/clock.h"
#include "aviary/runtime/signals.h"

namespace aviary::cli {

class StopTrigger {
 public:
  explicit StopTrigger(std::optional<Duration> timeout = std::nullopt);
  ~StopTrigger();
  StopTrigger(const StopTrigger&) = delete;
  StopTrigger& operator=(const StopTrigger&) = delete;

  std::atomic<bool>& flag() { return stop_; }
  bool interrupted() const { return interrupted_; }
  bool timedOut() const { return timedOut_; }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<bool> interrupted_{false};
  std::atomic<bool> timedOut_{false};
  runtime::ShutdownSignals signals_;
  std::thread watcher_;  // last: it uses the members above
};

}  // namespace aviary::cli
