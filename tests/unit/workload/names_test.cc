#include <gtest/gtest.h>

#include <regex>

#include "aviary/workload/names.h"

namespace aviary::workload {
namespace {

bool isDnsLabel(const std::string& s) {
  return s.size() <= 63 && std::regex_match(s, std::regex("[a-z0-9]([-a-z0-9]*[a-z0-9])?"));
}

TEST(Names, ValidNamesStayAsWritten) {
  EXPECT_EQ(deploymentName("fraud-scorer", "7"), "fraud-scorer-7");
  EXPECT_EQ(stableServiceName("fraud-scorer"), "fraud-scorer-stable");
  EXPECT_EQ(canaryServiceName("fraud-scorer"), "fraud-scorer-canary");
  EXPECT_EQ(rootServiceName("fraud-scorer"), "fraud-scorer");
  EXPECT_EQ(labelValue("v1.2_RC"), "v1.2_RC");
}

TEST(Names, InvalidCharactersAreReplacedAndHashed) {
  const std::string name = deploymentName("fraud-scorer", "V1.2__rc");
  EXPECT_TRUE(isDnsLabel(name)) << name;
  EXPECT_EQ(name.rfind("fraud-scorer-v1-2-rc-", 0), 0u) << name;
  // Two versions that sanitise alike still get different names.
  EXPECT_NE(deploymentName("fraud-scorer", "1.2"), deploymentName("fraud-scorer", "1-2"));
}

TEST(Names, LongNamesAreCutWithAHash) {
  const std::string release(60, 'r');
  const std::string a = deploymentName(release, "version-a"), b = deploymentName(release, "version-b");
  EXPECT_TRUE(isDnsLabel(a)) << a;
  EXPECT_EQ(a.size(), 63u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a, deploymentName(release, "version-a"));  // stable across calls
}

TEST(Names, NothingValidLeftStillGivesALabel) {
  EXPECT_TRUE(isDnsLabel(dnsLabel("___")));
  EXPECT_TRUE(isDnsLabel(dnsLabel("-a-")));
  EXPECT_EQ(labelValue(""), "");
  const std::string value = labelValue(std::string(70, 'v'));
  EXPECT_EQ(value.size(), 63u);
}

}  // namespace
}  // namespace aviary::workload
