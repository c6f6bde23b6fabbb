#include "cli/release_command_line.h"

#include <sstream>

#include <gtest/gtest.h>

namespace aviary::cli {
namespace {

const ReleaseCommandSpec kSetVersion{"set-version", "Set the version.", {"VERSION"}, {}, "", ""};
const ReleaseCommandSpec kWait{"wait", "Wait.", {}, {{"--timeout", "", true}}, "[--timeout 30m]",
                               "      --timeout 30m      give up after this long\n"};

TEST(ReleaseCommandLineTest, CommonFlagsAndPositionals) {
  auto line = parseReleaseCommandLine({"fraud", "--kubeconfig", "/tmp/kc", "-n", "ml", "7", "--context=dev"}, kSetVersion);
  ASSERT_TRUE(line.ok()) << line.error().message;
  EXPECT_FALSE(line->help);
  EXPECT_EQ(line->release, "fraud");
  EXPECT_EQ(line->arguments, (std::vector<std::string>{"7"}));
  EXPECT_EQ(line->connection.kubeconfig, "/tmp/kc");
  EXPECT_EQ(line->connection.context, "dev");
  EXPECT_EQ(line->connection.namespace_, "ml");
  EXPECT_TRUE(line->flags.values.empty()) << "common flags are not the command's own";
}

TEST(ReleaseCommandLineTest, NamespaceIsLeftForTheKubeconfigWhenNotGiven) {
  auto line = parseReleaseCommandLine({"fraud"}, kWait);
  ASSERT_TRUE(line.ok());
  EXPECT_EQ(line->connection.namespace_, "");
  EXPECT_EQ(line->connection.kubeconfig, "");
}

TEST(ReleaseCommandLineTest, OwnFlagsAreKept) {
  auto line = parseReleaseCommandLine({"fraud", "--timeout=10s"}, kWait);
  ASSERT_TRUE(line.ok());
  EXPECT_EQ(line->flags.value("--timeout"), "10s");
  EXPECT_FALSE(parseReleaseCommandLine({"fraud", "--timeout=10s"}, kSetVersion).ok()) << "not set-version's flag";
}

TEST(ReleaseCommandLineTest, WrongArgumentCountsAreExplained) {
  auto message = [](const std::vector<std::string>& args, const ReleaseCommandSpec& spec) {
    auto line = parseReleaseCommandLine(args, spec);
    return line.ok() ? std::string("ok") : line.error().message;
  };
  EXPECT_EQ(message({}, kWait), "no release name given (want NAME)");
  EXPECT_EQ(message({"fraud"}, kSetVersion), "missing VERSION (want NAME VERSION)");
  EXPECT_EQ(message({"fraud", "7", "8"}, kSetVersion), "unexpected argument \"8\" (want NAME VERSION)");
  EXPECT_EQ(message({"fraud", "-n="}, kWait), "--namespace: empty namespace");
}

TEST(ReleaseCommandLineTest, HelpWinsOverMissingArguments) {
  auto line = parseReleaseCommandLine({"-h"}, kSetVersion);
  ASSERT_TRUE(line.ok());
  EXPECT_TRUE(line->help);
}

TEST(ReleaseCommandLineTest, UsageNamesTheProgramAndEveryFlag) {
  const std::string text = usage(kWait, "kubectl aviary");
  EXPECT_EQ(text.rfind("usage: kubectl aviary wait [-n NS] NAME [--timeout 30m]\nWait.\n", 0), 0u) << text;
  for (const char* flag : {"--namespace", "--kubeconfig", "--context", "--help", "--timeout"}) {
    EXPECT_NE(text.find(flag), std::string::npos) << flag;
  }
}

TEST(ReleaseCommandLineTest, ParseOrExplainPrintsUsageOrTheProblem) {
  std::ostringstream out, err;
  int code = -1;
  Invocation help{{"--help"}, out, err, "aviary"};
  EXPECT_FALSE(parseOrExplain(help, kWait, code));
  EXPECT_EQ(code, kExitOk);
  EXPECT_EQ(out.str(), usage(kWait, "aviary"));

  Invocation wrong{{"a", "b"}, out, err, "aviary"};
  EXPECT_FALSE(parseOrExplain(wrong, kWait, code));
  EXPECT_EQ(code, kExitUsage);
  EXPECT_EQ(err.str().rfind("aviary wait: unexpected argument \"b\" (want NAME)\nusage: aviary wait", 0), 0u) << err.str();
}

TEST(ReleaseCommandLineTest, FailNamesTheCommandAndReturnsTheCode) {
  std::ostringstream out, err;
  Invocation call{{}, out, err, "kubectl aviary"};
  EXPECT_EQ(fail(call, kWait, "modelrelease \"x\" not found"), kExitFailure);
  EXPECT_EQ(fail(call, kWait, "bad", 7), 7);
  EXPECT_EQ(err.str(), "kubectl aviary wait: modelrelease \"x\" not found\nkubectl aviary wait: bad\n");
  EXPECT_EQ(out.str(), "");
}

TEST(ReleaseCommandLineTest, DurationFlags) {
  CommandLine flags;
  EXPECT_EQ(*durationFlag(flags, "--timeout", std::chrono::minutes(30)), std::chrono::minutes(30));
  flags.values["--timeout"] = "90s";
  EXPECT_EQ(*durationFlag(flags, "--timeout", std::chrono::minutes(30)), std::chrono::seconds(90));
  flags.values["--timeout"] = "soon";
  auto bad = durationFlag(flags, "--timeout", std::chrono::minutes(30));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "--timeout: \"soon\" is not a duration (e.g. 30s, 10m, 1h)");
}

}  // namespace
}  // namespace aviary::cli
