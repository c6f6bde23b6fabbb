#include "cli/command_line.h"

#include <gtest/gtest.h>

namespace aviary::cli {
namespace {

const std::vector<FlagSpec> kFlags = {{"--namespace", "-n", true}, {"--watch", "-w", false}, {"--timeout", "", true}};

CommandLine parsed(const std::vector<std::string>& args) {
  auto line = parseCommandLine(args, kFlags);
  EXPECT_TRUE(line.ok()) << line.error().message;
  return line.ok() ? *line : CommandLine{};
}

std::string problem(const std::vector<std::string>& args) {
  auto line = parseCommandLine(args, kFlags);
  EXPECT_FALSE(line.ok());
  return line.ok() ? "" : line.error().message;
}

TEST(CommandLineTest, FlagsMayComeBeforeOrAfterPositionals) {
  auto line = parsed({"-n", "ml", "fraud", "--watch", "extra"});
  EXPECT_EQ(line.value("--namespace"), "ml");
  EXPECT_TRUE(line.on("--watch"));
  EXPECT_EQ(line.positionals, (std::vector<std::string>{"fraud", "extra"}));
}

TEST(CommandLineTest, ValueFormsAreEquivalent) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--namespace", "ml"}, {"--namespace=ml"}, {"-n", "ml"}, {"-nml"}, {"-n=ml"}}) {
    EXPECT_EQ(parsed(args).value("--namespace"), "ml") << args.front();
  }
}

TEST(CommandLineTest, TheLastValueWinsAndAbsentFlagsFallBack) {
  auto line = parsed({"-n", "a", "--namespace=b"});
  EXPECT_EQ(line.value("--namespace"), "b");
  EXPECT_FALSE(line.has("--timeout"));
  EXPECT_EQ(line.value("--timeout", "30m"), "30m");
}

TEST(CommandLineTest, SwitchesTakeTrueOrFalseOnly) {
  EXPECT_TRUE(parsed({"--watch=true"}).on("--watch"));
  EXPECT_FALSE(parsed({"--watch", "--watch=false"}).on("--watch"));
  EXPECT_EQ(problem({"--watch=yes"}), "--watch is a switch: want true or false, got \"yes\"");
}

TEST(CommandLineTest, DoubleDashEndsTheFlags) {
  auto line = parsed({"--", "-n", "--watch"});
  EXPECT_EQ(line.positionals, (std::vector<std::string>{"-n", "--watch"}));
  EXPECT_FALSE(line.has("--namespace"));
}

TEST(CommandLineTest, UnknownFlagsAndMissingValuesAreNamed) {
  EXPECT_EQ(problem({"fraud", "--namepsace=ml"}), "unknown flag --namepsace");
  EXPECT_EQ(problem({"-x"}), "unknown flag -x");
  EXPECT_EQ(problem({"fraud", "-n"}), "--namespace needs a value");
}

TEST(CommandLineTest, ALoneDashIsAPositional) {
  EXPECT_EQ(parsed({"-"}).positionals, (std::vector<std::string>{"-"}));
}

}  // namespace
}  // namespace aviary::cli
