#include "aviary/runtime/object_store.h"

#include <gtest/gtest.h>

namespace aviary::runtime {
namespace {

ObjectPtr object(const std::string& ns, const std::string& name, Json labels = Json::object()) {
  return std::make_shared<const Json>(Json{{"metadata", {{"namespace", ns}, {"name", name}, {"labels", labels}}}});
}

TEST(ObjectKey, NamespacedAndClusterScoped) {
  EXPECT_EQ(objectKey(*object("ml", "fraud")), "ml/fraud");
  EXPECT_EQ(objectKey(Json{{"metadata", {{"name", "node-1"}}}}), "node-1");
  EXPECT_EQ(splitKey("ml/fraud"), (std::pair<std::string, std::string>{"ml", "fraud"}));
  EXPECT_EQ(splitKey("node-1"), (std::pair<std::string, std::string>{"", "node-1"}));
}

TEST(TrimObject, DropsManagedFieldsAndLastAppliedButKeepsOtherAnnotations) {
  Json raw = {{"metadata",
               {{"name", "a"},
                {"managedFields", Json::array({{{"manager", "kubectl"}}})},
                {"annotations",
                 {{"kubectl.kubernetes.io/last-applied-configuration", "{\"huge\":true}"}, {"team", "ml"}}}}},
              {"spec", {{"replicas", 2}}}};
  Json trimmed = trimObject(raw);
  EXPECT_FALSE(trimmed["metadata"].contains("managedFields"));
  EXPECT_EQ(trimmed["metadata"]["annotations"], (Json{{"team", "ml"}}));
  EXPECT_EQ(trimmed["spec"], raw["spec"]);

  Json onlyLastApplied = {{"metadata", {{"annotations", {{"kubectl.kubernetes.io/last-applied-configuration", "x"}}}}}};
  EXPECT_FALSE(trimObject(onlyLastApplied)["metadata"].contains("annotations"));
}

TEST(ResourceVersion, ComparedAsIntegersNotStrings) {
  EXPECT_TRUE(resourceVersionAtLeast("10", "9"));  // as strings "10" < "9"
  EXPECT_FALSE(resourceVersionAtLeast("9", "10"));
  EXPECT_TRUE(resourceVersionAtLeast("10", "10"));
  EXPECT_TRUE(resourceVersionAtLeast("", "10"));  // unknown: no basis to call it stale
  EXPECT_FALSE(parseResourceVersion("12a").has_value());
  EXPECT_EQ(parseResourceVersion("18446744073709551615"), 18446744073709551615ull);
}

TEST(ObjectStore, UpsertRemoveReturnPreviousSnapshots) {
  ObjectStore store;
  auto first = object("ml", "a");
  EXPECT_EQ(store.upsert(first), nullptr);
  auto second = object("ml", "a", {{"v", "2"}});
  EXPECT_EQ(store.upsert(second), first);
  EXPECT_EQ(store.get("ml/a"), second);
  EXPECT_EQ(store.size(), 1u);
  EXPECT_EQ(store.remove("ml/a"), second);
  EXPECT_EQ(store.remove("ml/a"), nullptr);
  EXPECT_EQ(store.get("ml/a"), nullptr);
}

TEST(ObjectStore, LabelIndexFollowsUpdatesRemovalsAndReplace) {
  ObjectStore store;
  store.addIndex("release", labelIndex("aviary.dev/release"));
  store.upsert(object("ml", "fraud-7", {{"aviary.dev/release", "fraud"}}));
  store.upsert(object("ml", "fraud-8", {{"aviary.dev/release", "fraud"}}));
  store.upsert(object("other", "fraud-7", {{"aviary.dev/release", "fraud"}}));
  store.upsert(object("ml", "unrelated"));
  EXPECT_EQ(store.byIndex("release", "ml/fraud").size(), 2u);
  EXPECT_EQ(store.byIndex("release", "other/fraud").size(), 1u);

  store.upsert(object("ml", "fraud-8", {{"aviary.dev/release", "churn"}}));  // relabelled
  EXPECT_EQ(store.byIndex("release", "ml/fraud").size(), 1u);
  EXPECT_EQ(store.byIndex("release", "ml/churn").size(), 1u);
  store.remove("ml/fraud-7");
  EXPECT_TRUE(store.byIndex("release", "ml/fraud").empty());

  auto previous = store.replace({object("ml", "x", {{"aviary.dev/release", "fraud"}})});
  EXPECT_EQ(previous.size(), 3u);
  EXPECT_EQ(store.byIndex("release", "ml/fraud").size(), 1u);
  EXPECT_TRUE(store.byIndex("release", "ml/churn").empty());
  EXPECT_TRUE(store.byIndex("no-such-index", "ml/fraud").empty());
}

TEST(ObjectStore, ControllerOwnerIndexUsesOnlyTheControllingOwnerOfThatKind) {
  ObjectStore store;
  store.addIndex("owner", controllerOwnerIndex("ModelRelease"));
  Json owned = {{"metadata",
                 {{"namespace", "ml"},
                  {"name", "fraud-7"},
                  {"ownerReferences",
                   {{{"kind", "ModelRelease"}, {"name", "other"}, {"controller", false}},
                    {{"kind", "ModelRelease"}, {"name", "fraud"}, {"controller", true}}}}}}};
  Json foreign = {{"metadata",
                   {{"namespace", "ml"},
                    {"name", "x"},
                    {"ownerReferences", {{{"kind", "Rollout"}, {"name", "fraud"}, {"controller", true}}}}}}};
  store.upsert(std::make_shared<const Json>(owned));
  store.upsert(std::make_shared<const Json>(foreign));
  auto found = store.byIndex("owner", "ml/fraud");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(objectKey(*found[0]), "ml/fraud-7");
  EXPECT_TRUE(store.byIndex("owner", "ml/other").empty());
}

}  // namespace
}  // namespace aviary::runtime
