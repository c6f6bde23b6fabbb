// CacheReadingClient against FakeKubeClient: reads from the informer's cache, and, while the cache is
// behind our own write, the object the server returned for that write — never a request.
#include "aviary/controller/cache_reading_client.h"

#include <sstream>

#include <gtest/gtest.h>

#include "mocks/k8s/fake_kube_client.h"

namespace aviary::controller {
namespace {

using aviary::testing::FakeKubeClient;
using Json = k8s::Json;
const k8s::ResourceType& kConfigMaps = k8s::resources::kConfigMaps;

Json configMap(const std::string& name, const std::string& value) {
  return {{"metadata", {{"namespace", "ml"}, {"name", name}}}, {"data", {{"k", value}}}};
}

class CacheReadingClientTest : public ::testing::Test {
 protected:
  CacheReadingClientTest() : logger_(logs_, clock_), cache_(server_, kConfigMaps, {}, logger_), client_(server_) {
    client_.addCache(cache_);
  }

  std::string valueRead(const std::string& name) {
    auto read = client_.get(kConfigMaps, "ml", name);
    return read.ok() ? (*read)["data"].value("k", "") : read.error().message;
  }

  FakeKubeClient server_;
  ManualClock clock_;
  std::ostringstream logs_;
  runtime::Logger logger_;
  runtime::Informer cache_;
  CacheReadingClient client_;
};

TEST_F(CacheReadingClientTest, ReadsComeFromTheCache) {
  server_.seed(kConfigMaps, configMap("a", "cached"));
  ASSERT_TRUE(cache_.listOnce().ok());
  server_.mutate(kConfigMaps, "ml", "a", [](Json& o) { o["data"]["k"] = "newer"; });  // the watch has not said
  EXPECT_EQ(valueRead("a"), "cached");
  EXPECT_EQ(server_.calls("get"), 0);
}

TEST_F(CacheReadingClientTest, BehindOurOwnWriteTheWritesAnswerIsReadWithoutARequest) {
  server_.seed(kConfigMaps, configMap("a", "before"));
  ASSERT_TRUE(cache_.listOnce().ok());
  ASSERT_TRUE(client_.patch(kConfigMaps, "ml", "a", k8s::PatchType::Merge, {{"data", {{"k", "written"}}}}, "").ok());
  EXPECT_EQ(valueRead("a"), "written") << "read our past from the cache";
  EXPECT_EQ(server_.calls("get"), 0) << "asked the server for what its answer said";

  ASSERT_TRUE(client_.create(kConfigMaps, "ml", configMap("new", "created")).ok());
  EXPECT_EQ(valueRead("new"), "created") << "an object we created, before the cache has it";
  EXPECT_EQ(server_.calls("get"), 0);

  ASSERT_TRUE(cache_.listOnce().ok());  // caught up: the cache answers again, and follows other writers
  server_.mutate(kConfigMaps, "ml", "a", [](Json& o) { o["data"]["k"] = "someone else's"; });
  ASSERT_TRUE(cache_.listOnce().ok());
  EXPECT_EQ(valueRead("a"), "someone else's");
}

TEST_F(CacheReadingClientTest, AStatusWriteIsNotKeptAndAReadBehindItAsksTheServer) {
  server_.seed(kConfigMaps, configMap("a", "before"));
  ASSERT_TRUE(cache_.listOnce().ok());
  ASSERT_TRUE(client_.patch(kConfigMaps, "ml", "a", k8s::PatchType::Merge, {{"data", {{"k", "status"}}}}, "status").ok());
  EXPECT_EQ(valueRead("a"), "status");
  EXPECT_EQ(server_.calls("get"), 1) << "a status write's answer was kept (the release is read from its own informer)";
}

}  // namespace
}  // namespace aviary::controller
