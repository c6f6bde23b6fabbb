#include "aviary/registry/outbox.h"

#include <algorithm>

namespace aviary::registry {

namespace {

Status write(const api::RegistryRecord& record, const std::string& model, ModelRegistry& registry) {
  if (!record.tags.empty()) {
    auto s = registry.setVersionTags(model, record.version, record.tags);
    if (!s.ok()) return s;
  }
  if (!record.removeAlias.empty()) {
    auto s = registry.deleteAlias(model, record.removeAlias);
    if (!s.ok()) return s;
  }
  if (!record.alias.empty()) return registry.setAlias(model, record.alias, record.version);
  return okStatus();
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
    auto written = write(record, model, registry);
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
