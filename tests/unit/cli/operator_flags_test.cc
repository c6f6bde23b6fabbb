// `aviary operator`'s flags: defaults, both spellings, and a usage error naming the flag for bad values.

#include "cli/operator_flags.h"

#include <gtest/gtest.h>

namespace aviary::cli {
namespace {

using std::chrono::seconds;

std::string errorOf(const std::vector<std::string>& args) {
  auto flags = parseOperatorFlags(args);
  return flags.ok() ? "" : flags.error().message;
}

TEST(OperatorFlags, DefaultsMatchTheUsageText) {
  auto flags = parseOperatorFlags({});
  ASSERT_TRUE(flags.ok());
  EXPECT_EQ(flags->manager.workers, 2);
  EXPECT_EQ(flags->manager.measurementWorkers, 4);
  EXPECT_EQ(flags->manager.wokenWorkers, 6);
  EXPECT_FALSE(flags->manager.leaderElect);
  EXPECT_FALSE(flags->manager.commandGates);
  EXPECT_EQ(flags->manager.healthAddr, "127.0.0.1:8080");
  EXPECT_EQ(flags->kubeQps, 50);
  EXPECT_EQ(flags->kubeBurst, 100);
  EXPECT_EQ(flags->manager.leaseDuration, Duration(seconds(15)));
  EXPECT_NE(std::string(kOperatorUsage).find("[--kube-qps 50] [--kube-burst 100]"), std::string::npos);
}

TEST(OperatorFlags, ValuesComeSeparateOrAfterAnEqualsSign) {
  auto flags = parseOperatorFlags({"--kube-qps=12.5", "--kube-burst", "30", "--workers=4", "--enable-command-gates",
                                   "--leader-elect=false", "--namespace", "ml"});
  ASSERT_TRUE(flags.ok()) << flags.error().message;
  EXPECT_EQ(flags->kubeQps, 12.5);
  EXPECT_EQ(flags->kubeBurst, 30);
  EXPECT_EQ(flags->manager.workers, 4);
  EXPECT_TRUE(flags->manager.commandGates);
  EXPECT_FALSE(flags->manager.leaderElect);
  EXPECT_EQ(flags->manager.namespace_, "ml");
}

TEST(OperatorFlags, ZeroQpsTurnsTheRateLimitOff) {
  auto flags = parseOperatorFlags({"--kube-qps", "0"});
  ASSERT_TRUE(flags.ok());
  EXPECT_EQ(flags->kubeQps, 0);
}

TEST(OperatorFlags, BadValuesNameTheFlagAndWhatItWants) {
  EXPECT_EQ(errorOf({"--kube-qps", "fast"}), "--kube-qps: want a number 0..100000 (0 = no limit), got \"fast\"");
  EXPECT_EQ(errorOf({"--kube-qps=-1"}), "--kube-qps: want a number 0..100000 (0 = no limit), got \"-1\"");
  EXPECT_EQ(errorOf({"--kube-burst", "0"}), "--kube-burst: want 1..100000, got \"0\"");
  EXPECT_EQ(errorOf({"--kube-burst="}), "--kube-burst: want 1..100000, got \"\"");
  EXPECT_EQ(errorOf({"--workers", "65"}), "--workers: want 1..64, got \"65\"");
  EXPECT_EQ(errorOf({"--kube-qps"}), "--kube-qps needs a value");
  EXPECT_EQ(errorOf({"--kube-speed", "1"}), "unknown flag --kube-speed");
  // The syntax is command_line.cc's, as for every other subcommand.
  EXPECT_EQ(errorOf({"extra"}), "unexpected argument extra");
  EXPECT_EQ(errorOf({"--leader-elect=maybe"}), "--leader-elect is a switch: want true or false, got \"maybe\"");
  EXPECT_EQ(errorOf({"--lease-duration", "5s"}), "want --retry-period < --renew-deadline < --lease-duration");
  EXPECT_EQ(errorOf({"--api-tls-cert", "c.pem", "--api-tls-key", "k.pem"}), "--api-tls-cert needs --api-addr");
}

TEST(OperatorFlags, MeasurementWorkersAreBounded) {
  auto flags = parseOperatorFlags({"--measurement-workers=8"});
  ASSERT_TRUE(flags) << flags.error().message;
  EXPECT_EQ(flags->manager.measurementWorkers, 8);
  EXPECT_EQ(errorOf({"--measurement-workers", "0"}), "--measurement-workers: want 1..64, got \"0\"");
}

TEST(OperatorFlags, WokenWorkersMayBeNone) {
  auto none = parseOperatorFlags({"--woken-workers=0"});
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_EQ(none->manager.wokenWorkers, 0);
  EXPECT_EQ(errorOf({"--woken-workers", "65"}), "--woken-workers: want 0..64, got \"65\"");
  EXPECT_EQ(errorOf({"--woken-workers", "many"}), "--woken-workers: want 0..64, got \"many\"");
}

TEST(OperatorFlags, TheDashboardIsServedOnTheApiListener) {
  EXPECT_EQ(errorOf({"--dashboard"}), "--dashboard needs --api-addr (it is served there)");
  auto flags = parseOperatorFlags({"--api-addr", ":8443", "--dashboard"});
  ASSERT_TRUE(flags) << flags.error().message;
  EXPECT_TRUE(flags->manager.dashboard);
  EXPECT_FALSE(parseOperatorFlags({})->manager.dashboard);
}

}  // namespace
}  // namespace aviary::cli
