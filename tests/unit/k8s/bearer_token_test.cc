#include <gtest/gtest.h>

#include <filesystem>

#include "k8s/bearer_token.h"
#include "unit/k8s/temp_dir.h"

namespace aviary::k8s {
namespace {

TEST(BearerToken, StaticToken) {
  BearerToken token("abc", "");
  EXPECT_EQ(*token.current(), "abc");
  BearerToken none("", "");
  EXPECT_EQ(*none.current(), "");
}

TEST(BearerToken, FileIsReReadAfterAtomicRotation) {
  testing::TempDir dir;
  std::string path = dir.write("token", "first\n");
  BearerToken token("ignored", path);
  EXPECT_EQ(*token.current(), "first");
  // kubelet writes the new token beside the old and renames it over: a new inode.
  std::string next = dir.write("token.new", "second");
  std::filesystem::rename(next, path);
  EXPECT_EQ(*token.current(), "second");
}

TEST(BearerToken, FailedReReadKeepsThePreviousTokenButAFirstReadFails) {
  testing::TempDir dir;
  std::string path = dir.write("token", "first");
  BearerToken token("", path);
  EXPECT_EQ(*token.current(), "first");
  std::filesystem::remove(path);
  EXPECT_EQ(*token.current(), "first");

  BearerToken missing("", dir.path() + "/absent");
  auto result = missing.current();
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("absent"), std::string::npos);
}

}  // namespace
}  // namespace aviary::k8s
