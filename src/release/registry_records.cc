// Registry records go through status.registrySync (the outbox), keyed so that re-planning from the
// same status never queues an event twice.

#include <algorithm>

#include <cctype>

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

// camelCase → snake_case, as MLflow tag keys are conventionally written.
std::string snakeCase(const std::string& name) {
  std::string out;
  for (char c : name) {
    if (std::isupper(static_cast<unsigned char>(c))) {
      out += '_';
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      out += c;
    }
  }
  return out;
}

// The tags the model registry receives: every detail under the `aviary.` prefix, plus the audit
// contract: aviary.release, aviary.decision + aviary.approved_by + aviary.approved_at for approvals,
// aviary.outcome for promotions and rollbacks.
std::map<std::string, std::string> registryTags(const std::string& event, const std::map<std::string, std::string>& details,
                                                const api::ObjectMeta& meta, TimePoint now) {
  std::map<std::string, std::string> tags;
  for (const auto& [key, value] : details) tags["aviary." + snakeCase(key)] = value;
  tags["aviary.release"] = meta.namespace_ + "/" + meta.name;
  tags["aviary.generation"] = std::to_string(meta.generation);
  if (event == "approved" || event == "rejected") {
    tags["aviary.decision"] = event == "approved" ? "approve" : "reject";
    tags.emplace("aviary.approved_at", formatRfc3339(now));  // details carry the decision's own time
  } else if (event == "promoted" || event == "rolledBack") {
    tags["aviary.outcome"] = event;
  }
  return tags;
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
  api::RegistryRecord record;
  record.key = std::move(key);
  record.event = event;
  record.version = version;
  record.tags = registryTags(event, tags, meta, ctx.now);
  record.alias = alias;
  record.removeAlias = removeAlias;
  n.registrySync.push_back(std::move(record));
}

}  // namespace aviary::release
