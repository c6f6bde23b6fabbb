#include "aviary/registry/outbox.h"

#include <algorithm>

namespace aviary::registry {

namespace {

// A record's last write: tag aviary.record.<event> = its key. Found on the version, it says the record
// was applied in full before and only its acknowledgement was lost (the operator restarted, or the
// status write that removes it from the outbox failed), so it is not written again: the registry sees
// each record once (docs/guarantees.md, I3).
std::string markerTag(const api::RegistryRecord& record) { return "aviary.record." + record.event; }

// What the registry holds for the record's version now: a record is written as the difference between
// it and this, so a retry after a partial write (or after a lost acknowledgement) repeats nothing that
// already arrived. An error reading it fails the attempt like a failed write would (the registry is the
// same): writing blind could deliver writes twice. NotFound: nothing is known, write it all.
Result<ModelVersionInfo> current(const api::RegistryRecord& record, const std::string& model, ModelRegistry& registry) {
  auto info = registry.getModelVersion(model, record.version);
  if (!info.ok() && info.error().code == ErrorCode::NotFound) return ModelVersionInfo{};
  return info;
}

Status write(const api::RegistryRecord& record, const ModelVersionInfo& now, const std::string& model,
             ModelRegistry& registry) {
  auto marker = now.tags.find(markerTag(record));
  if (!record.key.empty() && marker != now.tags.end() && marker->second == record.key) return okStatus();
  std::map<std::string, std::string> missing;
  for (const auto& [key, value] : record.tags) {
    auto it = now.tags.find(key);
    if (it == now.tags.end() || it->second != value) missing[key] = value;
  }
  if (!missing.empty()) {
    auto s = registry.setVersionTags(model, record.version, missing);
    if (!s.ok()) return s;
  }
  if (!record.removeAlias.empty()) {
    auto s = registry.deleteAlias(model, record.removeAlias);
    if (!s.ok()) return s;
  }
  const bool aliasThere = std::find(now.aliases.begin(), now.aliases.end(), record.alias) != now.aliases.end();
  if (!record.alias.empty() && !aliasThere) {
    auto s = registry.setAlias(model, record.alias, record.version);
    if (!s.ok()) return s;
  }
  if (record.key.empty() || record.event.empty()) return okStatus();
  return registry.setVersionTags(model, record.version, {{markerTag(record), record.key}});
}

}  // namespace

Duration retryDelay(int attempts) {
  const int exponent = std::clamp(attempts - 1, 0, 20);
  return std::min(Duration{1000LL << exponent}, Duration{300'000});
}

DrainResult drainOutbox(std::vector<api::RegistryRecord>& outbox, const std::string& model, ModelRegistry& registry,
                        TimePoint now) {
  DrainResult result;
  while (!outbox.empty()) {
    api::RegistryRecord& record = outbox.front();
    TimePoint due;
    if (!record.nextAttemptAt.empty() && parseRfc3339(record.nextAttemptAt, due) && due > now) {
      result.retryAt = due;
      break;
    }
    auto live = current(record, model, registry);
    Status written = live.ok() ? write(record, *live, model, registry) : Status(live.error());
    if (!written.ok()) {
      ++record.attempts;
      record.lastError = written.error().message;
      const TimePoint next = now + retryDelay(record.attempts);
      record.nextAttemptAt = formatRfc3339(next);
      result.retryAt = next;
      result.lastError = record.lastError;
      break;
    }
    result.acknowledged.push_back(std::move(record));
    outbox.erase(outbox.begin());
  }
  return result;
}

}  // namespace aviary::registry
