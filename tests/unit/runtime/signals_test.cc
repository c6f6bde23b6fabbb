#include "aviary/runtime/signals.h"

#include <signal.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace aviary::runtime {
namespace {

TEST(ShutdownSignals, SigtermToTheProcessRequestsShutdown) {
  ShutdownSignals signals;
  EXPECT_FALSE(signals.requested());
  ASSERT_EQ(kill(getpid(), SIGTERM), 0);
  EXPECT_TRUE(signals.waitFor(std::chrono::seconds(10)));
  EXPECT_EQ(signals.signalNumber(), SIGTERM);
}

TEST(ShutdownSignals, SigintToo) {
  ShutdownSignals signals;
  ASSERT_EQ(kill(getpid(), SIGINT), 0);
  signals.wait();
  EXPECT_EQ(signals.signalNumber(), SIGINT);
}

TEST(ShutdownSignals, InProcessRequestWakesWaitersAndDestructionRestoresTheMask) {
  {
    ShutdownSignals signals;
    signals.requestShutdown();
    signals.wait();
    EXPECT_EQ(signals.signalNumber(), 0);
  }
  sigset_t mask;
  pthread_sigmask(SIG_BLOCK, nullptr, &mask);
  EXPECT_FALSE(sigismember(&mask, SIGTERM));
}

}  // namespace
}  // namespace aviary::runtime
