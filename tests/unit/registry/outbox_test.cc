// The outbox's ordering and retry logic, with an in-memory registry standing in for MLflow; the real
// MLflow client is tested in tests/integration/registry.
#include "aviary/registry/outbox.h"

#include <gtest/gtest.h>

namespace aviary::registry {
namespace {

using namespace std::chrono_literals;

class MemoryRegistry : public ModelRegistry {
 public:
  Result<ModelVersionInfo> getModelVersion(const std::string& model, const std::string& version) override {
    if (down) return makeError(ErrorCode::Unavailable, "connection refused");
    ModelVersionInfo info;
    info.name = model;
    info.version = version;
    if (auto it = tags.find(version); it != tags.end()) info.tags = it->second;
    for (const auto& [alias, at] : aliases) {
      if (at == version) info.aliases.push_back(alias);
    }
    return info;
  }
  Status setVersionTags(const std::string&, const std::string& version, const std::map<std::string, std::string>& t) override {
    if (down) return makeError(ErrorCode::Unavailable, "connection refused");
    for (const auto& [k, v] : t) tags[version][k] = v;
    ++writes;
    return okStatus();
  }
  Status setAlias(const std::string&, const std::string& alias, const std::string& version) override {
    if (down || aliasDown) return makeError(ErrorCode::Unavailable, "connection refused");
    aliases[alias] = version;
    ++writes;
    return okStatus();
  }
  Status deleteAlias(const std::string&, const std::string& alias) override {
    if (down) return makeError(ErrorCode::Unavailable, "connection refused");
    aliases.erase(alias);
    ++writes;
    return okStatus();
  }
  bool down = false;
  bool aliasDown = false;
  int writes = 0;
  std::map<std::string, std::map<std::string, std::string>> tags;
  std::map<std::string, std::string> aliases;
};

api::RegistryRecord record(std::string key, std::string version, std::string alias = "", std::string remove = "") {
  api::RegistryRecord r;
  r.key = "uid/1/" + key;
  r.event = key;
  r.version = version;
  r.tags = {{"aviary.outcome", key}};
  r.alias = alias;
  r.removeAlias = remove;
  return r;
}

TEST(Outbox, WritesInOrderAndEmpties) {
  MemoryRegistry registry;
  ManualClock clock;
  std::vector<api::RegistryRecord> outbox{record("started", "7", "challenger"), record("promoted", "7", "champion", "challenger")};
  auto r = drainOutbox(outbox, "fraud", registry, clock.now());
  EXPECT_TRUE(outbox.empty());
  ASSERT_EQ(r.acknowledged.size(), 2u);
  EXPECT_EQ(registry.aliases, (std::map<std::string, std::string>{{"champion", "7"}}));
  EXPECT_EQ(registry.tags["7"]["aviary.outcome"], "promoted");
  EXPECT_FALSE(r.retryAt);
}

TEST(Outbox, ARecordWrittenBeforeButNotAcknowledgedIsNotWrittenAgain) {
  MemoryRegistry registry;
  ManualClock clock;
  std::vector<api::RegistryRecord> outbox{record("promoted", "7", "champion", "challenger")};
  std::vector<api::RegistryRecord> copy = outbox;  // the outbox as persisted before the drain
  ASSERT_EQ(drainOutbox(outbox, "fraud", registry, clock.now()).acknowledged.size(), 1u);
  EXPECT_EQ(registry.tags["7"]["aviary.record.promoted"], "uid/1/promoted") << "the marker, written last";
  const int writes = registry.writes;
  // The status write removing it was lost (or the operator restarted): the same record comes again.
  auto again = drainOutbox(copy, "fraud", registry, clock.now());
  EXPECT_EQ(again.acknowledged.size(), 1u);
  EXPECT_TRUE(copy.empty());
  EXPECT_EQ(registry.writes, writes) << "acknowledged without writing again";
  // A registry that cannot be read is not written blind: the attempt fails and is retried.
  std::vector<api::RegistryRecord> unreadable = outbox.empty() ? std::vector<api::RegistryRecord>{record("promoted", "7", "champion")} : outbox;
  registry.down = true;
  auto failed = drainOutbox(unreadable, "fraud", registry, clock.now());
  EXPECT_TRUE(failed.acknowledged.empty());
  EXPECT_EQ(unreadable.size(), 1u);
  EXPECT_EQ(unreadable[0].attempts, 1);
  registry.down = false;
  // Another record of the same event (a later rollout of the same version) is written.
  std::vector<api::RegistryRecord> later{record("promoted", "7", "champion")};
  later[0].key = "uid/2/promoted";
  drainOutbox(later, "fraud", registry, clock.now());
  EXPECT_GT(registry.writes, writes);
}

TEST(Outbox, ARetryAfterAPartialWriteRepeatsNothingThatArrived) {
  MemoryRegistry registry;
  ManualClock clock;
  std::vector<api::RegistryRecord> outbox{record("promoted", "7", "champion")};
  registry.aliasDown = true;  // the tags arrive, the alias move fails
  auto failed = drainOutbox(outbox, "fraud", registry, clock.now());
  ASSERT_TRUE(failed.acknowledged.empty());
  const int afterTags = registry.writes;
  EXPECT_EQ(afterTags, 1);
  registry.aliasDown = false;
  auto done = drainOutbox(outbox, "fraud", registry, clock.now() + std::chrono::hours(1));
  ASSERT_EQ(done.acknowledged.size(), 1u);
  EXPECT_EQ(registry.writes, afterTags + 2) << "the alias and the marker only: the tags are not sent again";
  EXPECT_EQ(registry.aliases["champion"], "7");
}

TEST(Outbox, OutageKeepsEveryRecordAndBacksOff) {
  MemoryRegistry registry;
  registry.down = true;
  ManualClock clock;
  std::vector<api::RegistryRecord> outbox{record("approved", "7"), record("promoted", "7", "champion")};
  auto first = drainOutbox(outbox, "fraud", registry, clock.now());
  ASSERT_EQ(outbox.size(), 2u) << "nothing is dropped";
  EXPECT_EQ(outbox[0].attempts, 1);
  EXPECT_EQ(outbox[1].attempts, 0) << "the drain stops at the first failure to keep the order";
  EXPECT_EQ(*first.retryAt, clock.now() + 1s);
  EXPECT_NE(first.lastError.find("connection refused"), std::string::npos);

  auto early = drainOutbox(outbox, "fraud", registry, clock.now() + 500ms);
  EXPECT_EQ(outbox[0].attempts, 1) << "not retried before it is due";
  EXPECT_EQ(*early.retryAt, clock.now() + 1s);

  clock.advance(1s);
  drainOutbox(outbox, "fraud", registry, clock.now());
  EXPECT_EQ(outbox[0].attempts, 2);
  EXPECT_EQ(outbox[0].nextAttemptAt, formatRfc3339(clock.now() + 2s));

  registry.down = false;
  clock.advance(2s);
  auto recovered = drainOutbox(outbox, "fraud", registry, clock.now());
  EXPECT_TRUE(outbox.empty());
  EXPECT_EQ(recovered.acknowledged.size(), 2u);
  EXPECT_EQ(registry.tags["7"]["aviary.outcome"], "promoted");
}

TEST(Outbox, RetryDelayDoublesUpToFiveMinutes) {
  EXPECT_EQ(retryDelay(1), Duration(1s));
  EXPECT_EQ(retryDelay(2), Duration(2s));
  EXPECT_EQ(retryDelay(5), Duration(16s));
  EXPECT_EQ(retryDelay(12), Duration(300s));
  EXPECT_EQ(retryDelay(1000), Duration(300s));
}

}  // namespace
}  // namespace aviary::registry
