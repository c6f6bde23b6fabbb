#pragma once
// The registry outbox: audit records wait in status.registrySync until the registry acknowledges them,
// so an MLflow outage or an operator restart never drops one. Records are written in order (an alias
// move must not overtake the record before it); the first failure stops the drain and schedules a
// retry with exponential backoff (1 s doubling, capped at 5 min). Every registry call is idempotent
// (tags and aliases are overwritten), so a record retried after a partial write leaves one result.
// A record's last write is the tag aviary.record.<event> = its key; a record whose version already
// carries it is acknowledged without writing again (its earlier acknowledgement was lost).

#include <optional>
#include <string>
#include <vector>

#include "aviary/api/model_release.h"
#include "aviary/common/clock.h"
#include "aviary/registry/model_registry.h"

namespace aviary::registry {

struct DrainResult {
  std::vector<api::RegistryRecord> acknowledged;  // written and removed from the outbox
  std::optional<TimePoint> retryAt;               // when the first pending record is due again
  std::string lastError;
};

DrainResult drainOutbox(std::vector<api::RegistryRecord>& outbox, const std::string& model, ModelRegistry& registry,
                        TimePoint now);

Duration retryDelay(int attempts);

}  // namespace aviary::registry
