#include "cli/program_name.h"

#include <gtest/gtest.h>

namespace aviary::cli {
namespace {

TEST(ProgramNameTest, TheKubectlPluginNameIsSpelledAsKubectlShowsIt) {
  EXPECT_EQ(programName("/usr/local/bin/kubectl-aviary"), "kubectl aviary");
  EXPECT_EQ(programName("kubectl-aviary"), "kubectl aviary");
}

TEST(ProgramNameTest, AnythingElseIsAviary) {
  EXPECT_EQ(programName("/work/build/src/cli/aviary"), "aviary");
  EXPECT_EQ(programName("aviary"), "aviary");
  EXPECT_EQ(programName("/opt/kubectl-aviary/aviary"), "aviary");
  EXPECT_EQ(programName(""), "aviary");
}

}  // namespace
}  // namespace aviary::cli
