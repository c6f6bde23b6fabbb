#include "aviary/runtime/signals.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cstring>

namespace aviary::runtime {

namespace {
sigset_t shutdownSet() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}
}  // namespace

static_assert(sizeof(sigset_t) <= 128, "oldMask_ too small for sigset_t");

ShutdownSignals::ShutdownSignals() {
  sigset_t set = shutdownSet();
  sigset_t old;
  pthread_sigmask(SIG_BLOCK, &set, &old);
  std::memcpy(oldMask_, &old, sizeof old);
  waiter_ = std::thread([this, set] {
    for (;;) {
      int received = 0;
      if (sigwait(&set, &received) != 0) continue;
      if (closing_) return;
      if (requested_) _exit(1);  // the second signal: do not wait for a graceful shutdown
      onSignal(received);
    }
  });
}

ShutdownSignals::~ShutdownSignals() {
  closing_ = true;
  // Wake the sigwait with a signal aimed at that thread only; it sees closing_ and returns.
  pthread_kill(waiter_.native_handle(), SIGTERM);
  waiter_.join();
  sigset_t old;
  std::memcpy(&old, oldMask_, sizeof old);
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

void ShutdownSignals::onSignal(int signal) {
  signal_ = signal;
  requestShutdown();
}

void ShutdownSignals::requestShutdown() {
  std::lock_guard lock(mutex_);
  requested_ = true;
  cv_.notify_all();
}

void ShutdownSignals::wait() {
  std::unique_lock lock(mutex_);
  cv_.wait(lock, [this] { return requested_.load(); });
}

bool ShutdownSignals::waitFor(Duration timeout) {
  std::unique_lock lock(mutex_);
  return cv_.wait_for(lock, timeout, [this] { return requested_.load(); });
}

}  // namespace aviary::runtime
