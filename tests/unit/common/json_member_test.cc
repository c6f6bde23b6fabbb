#include "aviary/common/json_member.h"

#include <gtest/gtest.h>

namespace aviary {
namespace {

using Json = nlohmann::json;

TEST(MemberOrNull, IsTheMemberOrNullForAnythingElse) {
  const Json object = {{"a", 1}};
  EXPECT_EQ(memberOrNull(object, "a"), 1);
  EXPECT_TRUE(memberOrNull(object, "b").is_null());
  EXPECT_TRUE(memberOrNull(Json::array({1, 2}), "a").is_null());
  EXPECT_TRUE(memberOrNull(Json("text"), "a").is_null());
  EXPECT_TRUE(memberOrNull(memberOrNull(object, "b"), "c").is_null()) << "chains through absent members";
}

TEST(FirstMatchHeaders, ReadsTheFirstMatchOfEitherRouteShape) {
  const Json httpRouteRule = Json::parse(R"({"matches": [{"headers": [{"name": "x-canary", "value": "1"}]},
                                                          {"headers": [{"name": "other", "value": "2"}]}]})");
  EXPECT_EQ(firstMatchHeaders(httpRouteRule, "matches"), Json::parse(R"([{"name": "x-canary", "value": "1"}])"));
  const Json istioRoute = Json::parse(R"({"match": [{"headers": {"x-canary": {"exact": "1"}}}]})");
  EXPECT_EQ(firstMatchHeaders(istioRoute, "match"), Json::parse(R"({"x-canary": {"exact": "1"}})"));
}

TEST(FirstMatchHeaders, IsNullWhateverShapeTheUserGaveInstead) {
  EXPECT_TRUE(firstMatchHeaders(Json::object(), "matches").is_null());
  EXPECT_TRUE(firstMatchHeaders(Json::parse(R"({"matches": []})"), "matches").is_null());
  EXPECT_TRUE(firstMatchHeaders(Json::parse(R"({"matches": {"headers": []}})"), "matches").is_null());
  EXPECT_TRUE(firstMatchHeaders(Json::parse(R"({"matches": [{"path": {"value": "/"}}]})"), "matches").is_null());
  EXPECT_TRUE(firstMatchHeaders(Json::parse(R"({"matches": ["text"]})"), "matches").is_null());
  EXPECT_TRUE(firstMatchHeaders(Json("text"), "matches").is_null());
}

}  // namespace
}  // namespace aviary
