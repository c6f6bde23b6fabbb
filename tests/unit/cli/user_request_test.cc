#include "cli/user_request.h"

#include <regex>
#include <set>

#include <gtest/gtest.h>

namespace aviary::cli {
namespace {

TEST(UserRequestTest, VersionPatchSetsSpecModelVersionOnly) {
  EXPECT_EQ(versionPatch("7"), nlohmann::json::parse(R"({"spec":{"model":{"version":"7"}}})"));
}

TEST(UserRequestTest, RequestIdsAreFreshAndReadable) {
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.insert(newRequestId());
  EXPECT_EQ(ids.size(), 1000u) << "ids made within the same millisecond differ";
  EXPECT_TRUE(std::regex_match(*ids.begin(), std::regex("cli-[0-9]{13}-[0-9a-f]{8}"))) << *ids.begin();
}

}  // namespace
}  // namespace aviary::cli
