#include "cli/stop_trigger.h"

namespace aviary::cli {

StopTrigger::StopTrigger(std::optional<Duration> timeout) {
  watcher_ = std::thread([this, timeout] {
    bool requested = true;
    if (timeout) {
      requested = signals_.waitFor(*timeout);
    } else {
      signals_.wait();
    }
    // A request without a signal number is the destructor's: the command finished on its own.
    if (requested && signals_.signalNumber() == 0) return;
    (requested ? interrupted_ : timedOut_) = true;
    stop_ = true;
  });
}

StopTrigger::~StopTrigger() {
  signals_.requestShutdown();
  watcher_.join();
}

}  // namespace aviary::cli
