// Registry records go through status.registrySync (the outbox), keyed so that re-planning from the
// same status never queues an event twice.

#include <algorithm>

#include "release/plan_context.h"

namespace aviary::release {
namespace {

// The rollout's start in epoch seconds: the same for every pass of one rollout, different for a
// retry of the same version within one generation.
std::string rolloutMark(const std::string& rolloutStartedAt) {
  TimePoint started;
  if (!parseRfc3339(rolloutStartedAt, started)) return "0";
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(started.time_since_epoch()).count());
}

// Promotions and rollbacks leave a history entry; one written during this rollout means the event
// was recorded even if the outbox has drained since.
bool inHistory(const std::vector<api::HistoryEntry>& history, const std::string& event, const std::string& version,
               const std::string& rolloutStartedAt) {
  if (event != "promoted" && event != "rolledBack") return false;
  return std::any_of(history.begin(), history.end(), [&](const api::HistoryEntry& h) {
    bool outcome = event == "promoted" ? h.outcome == "Promoted" : (h.outcome == "RolledBack" || h.outcome == "Aborted");
    return outcome && h.version == version && h.time >= rolloutStartedAt;
  });
}

}  // namespace

void queueRegistryRecord(PlanContext& ctx, const std::string& event, const std::string& version,
                         std::map<std::string, std::string> tags, const std::string& alias,
                         const std::string& removeAlias, const std::string& qualifier) {
  auto& n = ctx.next;
  const auto& meta = ctx.release.metadata;
  std::string key = meta.uid + "/" + std::to_string(meta.generation) + "/" + event + "-" + version + "-" +
                    rolloutMark(n.rolloutStartedAt) + (qualifier.empty() ? "" : "-" + qualifier);
  bool queued = std::any_of(n.registrySync.begin(), n.registrySync.end(),
                            [&](const api::RegistryRecord& r) { return r.key == key; });
  if (queued || inHistory(ctx.release.status.history, event, version, n.rolloutStartedAt)) return;
  tags["release"] = meta.namespace_ + "/" + meta.name;
  tags["generation"] = std::to_string(meta.generation);
  api::RegistryRecord record;
  record.key = std::move(key);
  record.event = event;
  record.version = version;
  record.tags = std::move(tags);
  record.alias = alias;
  record.removeAlias = removeAlias;
  n.registrySync.push_back(record);
  ctx.actions.push_back(QueueRegistryRecord{std::move(record)});
}

}  // namespace aviary::release
