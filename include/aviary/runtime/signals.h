#pragma once
// Graceful shutdown on SIGTERM / SIGINT: the first signal sets a flag and wakes whoever waits on it
// (the operator then drains its queue and releases its Lease); a second one exits at once with
// status 1, for a human whose Ctrl-C did not seem to work.
// Implementation: the signals are blocked and a dedicated thread takes them with sigwait, so no code
// runs in signal-handler context. Construct it in main() before starting any other thread: threads
// inherit the blocked mask, and a thread started earlier would still receive the signal's default
// action (termination).
// Thread-safety: every method from any thread. At most one instance per process.

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "aviary/common/clock.h"

namespace aviary::runtime {

class ShutdownSignals {
 public:
  ShutdownSignals();
  ~ShutdownSignals();  // restores the previous signal mask of the constructing thread
  ShutdownSignals(const ShutdownSignals&) = delete;
  ShutdownSignals& operator=(const ShutdownSignals&) = delete;

  bool requested() const { return requested_.load(); }
  // The signal received (0 when shutdown was requested in-process).
  int signalNumber() const { return signal_.load(); }
  // Blocks until shutdown is requested.
  void wait();
  // Blocks up to timeout; true when shutdown is requested.
  bool waitFor(Duration timeout);
  // Same as receiving a signal (for fatal conditions found in-process, such as lost leadership).
  void requestShutdown();

 private:
  void onSignal(int signal);

  std::atomic<bool> requested_{false};
  std::atomic<int> signal_{0};
  std::atomic<bool> closing_{false};
  std::mutex mutex_;
  std::condition_variable cv_;
  std::thread waiter_;
  unsigned char oldMask_[128];  // the sigset_t we replaced, kept opaque to keep <signal.h> out
};

}  // namespace aviary::runtime
