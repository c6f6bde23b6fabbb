#include <gtest/gtest.h>

#include "k8s/request_path.h"

namespace aviary::k8s {
namespace {

TEST(RequestPath, ListQueryEscapesSelectorsAndTokens) {
  ListOptions options;
  options.labelSelector = "app=fraud,tier in (a,b)";
  options.fieldSelector = "metadata.name!=x";
  options.limit = 50;
  options.continueToken = "eyJ2Ijoi+/=";
  EXPECT_EQ(listPath(resources::kConfigMaps, "ml", options),
            "/api/v1/namespaces/ml/configmaps?labelSelector=app%3Dfraud%2Ctier%20in%20%28a%2Cb%29"
            "&fieldSelector=metadata.name%21%3Dx&limit=50&continue=eyJ2Ijoi%2B%2F%3D");
}

TEST(RequestPath, EmptyOptionsGiveNoQueryAndClusterWideCollections) {
  EXPECT_EQ(listPath(resources::kModelReleases, "", {}), "/apis/aviary.dev/v1alpha1/modelreleases");
  EXPECT_EQ(listPath(resources::kNamespaces, "ignored", {}), "/api/v1/namespaces");
}

TEST(RequestPath, WatchQuery) {
  WatchOptions options;
  options.resourceVersion = "1234";
  options.labelSelector = "a=b";
  options.timeoutSeconds = 60;
  EXPECT_EQ(watchPath(resources::kDeployments, "ml", options),
            "/apis/apps/v1/namespaces/ml/deployments?watch=1&allowWatchBookmarks=true&resourceVersion=1234"
            "&timeoutSeconds=60&labelSelector=a%3Db");
  options.allowBookmarks = false;
  options.timeoutSeconds = 0;
  options.resourceVersion.clear();
  options.labelSelector.clear();
  EXPECT_EQ(watchPath(resources::kPods, "", options), "/api/v1/pods?watch=1");
}

TEST(RequestPath, ObjectAndSubresourcePaths) {
  EXPECT_EQ(objectPath(resources::kModelReleases, "ml", "fraud-scorer", "status"),
            "/apis/aviary.dev/v1alpha1/namespaces/ml/modelreleases/fraud-scorer/status");
  EXPECT_EQ(objectPath(resources::kNamespaces, "", "ml"), "/api/v1/namespaces/ml");
  // A name that is not DNS-safe cannot escape its path segment.
  EXPECT_EQ(objectPath(resources::kConfigMaps, "ml", "a/../b"), "/api/v1/namespaces/ml/configmaps/a%2F..%2Fb");
}

TEST(RequestPath, QueryStringSkipsEmptyValues) {
  EXPECT_EQ(queryString({}), "");
  EXPECT_EQ(queryString({{"a", ""}, {"b", "1"}, {"c", ""}}), "?b=1");
}

}  // namespace
}  // namespace aviary::k8s
