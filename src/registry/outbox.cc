#include "aviary/registry/outbox.h"

#include <algorithm>

namespace aviary::registry {

namespace {

// A record's last write: tag aviary.record.<event> = its key. Found on the version, it says the record
// was applied in full before and only its acknowledgement was lost (the operator restarted, or the
// status write that removes it from the outbox failed), so it is not written again: the registry sees
// each record once (docs/guarantees.md, I3).
std::string markerTag(const api::RegistryRecord& record) { return "aviary.record." + record.event; }

// An error reading the version fails the attempt like a failed write would (the registry is the same):
// writing blind could deliver the record twice.
Result<bool> alreadyWritten(const api::RegistryRecord& record, const std::string& model, ModelRegistry& registry) {
  if (record.key.empty() || record.event.empty()) return false;
  auto info = registry.getModelVersion(model, record.version);
  if (!info.ok()) {
    if (info.error().code == ErrorCode::NotFound) return false;  // the write will say what is wrong
    return info.error();
  }
  auto marker = info->tags.find(markerTag(record));
  return marker != info->tags.end() && marker->second == record.key;
}

Status write(const api::RegistryRecord& record, const std::string& model, ModelRegistry& registry) {
  if (!record.tags.empty()) {
    auto s = registry.setVersionTags(model, record.version, record.tags);
    if (!s.ok()) return s;
  }
  if (!record.removeAlias.empty()) {
    auto s = registry.deleteAlias(model, record.removeAlias);
    if (!s.ok()) return s;
  }
  if (!record.alias.empty()) {
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
    auto done = alreadyWritten(record, model, registry);
    Status written = !done.ok() ? Status(done.error()) : *done ? okStatus() : write(record, model, registry);
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
