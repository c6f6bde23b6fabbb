#include "aviary/runtime/leader_election.h"

#include "aviary/runtime/micro_time.h"

namespace aviary::runtime {

namespace {

using Json = nlohmann::json;
using std::chrono::seconds;

std::optional<TimePoint> timeAt(const Json& spec, const char* field) {
  TimePoint t;
  if (!spec.contains(field) || !spec[field].is_string() || !parseRfc3339(spec[field].get<std::string>(), t)) {
    return std::nullopt;
  }
  return t;
}

int leaseSeconds(Duration d) { return static_cast<int>(std::chrono::duration_cast<seconds>(d).count()); }

}  // namespace

LeaseRecord leaseRecordFromLease(const Json& lease) {
  LeaseRecord record;
  const Json spec = lease.value("spec", Json::object());
  if (spec.contains("holderIdentity") && spec["holderIdentity"].is_string()) record.holderIdentity = spec["holderIdentity"];
  record.leaseDurationSeconds = spec.value("leaseDurationSeconds", 0);
  record.acquireTime = timeAt(spec, "acquireTime");
  record.renewTime = timeAt(spec, "renewTime");
  record.leaseTransitions = spec.value("leaseTransitions", 0);
  return record;
}

Json leaseSpec(const LeaseRecord& record) {
  Json spec = {{"holderIdentity", record.holderIdentity},
               {"leaseDurationSeconds", record.leaseDurationSeconds},
               {"leaseTransitions", record.leaseTransitions}};
  if (record.acquireTime) spec["acquireTime"] = formatMicroTime(*record.acquireTime);
  if (record.renewTime) spec["renewTime"] = formatMicroTime(*record.renewTime);
  return spec;
}

bool leaseExpired(const LeaseRecord& record, TimePoint now) {
  if (record.holderIdentity.empty() || !record.renewTime) return true;
  return *record.renewTime + seconds(record.leaseDurationSeconds) < now;
}

LeaseDecision decideLease(const std::optional<LeaseRecord>& current, const std::string& identity,
                          Duration leaseDuration, TimePoint now) {
  LeaseRecord mine{identity, leaseSeconds(leaseDuration), now, now, 0};
  if (!current) return {LeaseAction::Create, mine};
  if (current->holderIdentity == identity) {
    LeaseRecord renewed = *current;
    renewed.renewTime = now;
    renewed.leaseDurationSeconds = mine.leaseDurationSeconds;
    if (!renewed.acquireTime) renewed.acquireTime = now;
    return {LeaseAction::Renew, renewed};
  }
  if (!leaseExpired(*current, now)) return {LeaseAction::Wait, *current};
  mine.leaseTransitions = current->leaseTransitions + 1;
  return {LeaseAction::Acquire, mine};
}

LeaderElector::LeaderElector(k8s::Client& client, const Clock& clock, Logger& logger, LeaderElectionConfig config,
                             LeaderCallbacks callbacks)
    : client_(client), clock_(clock), logger_(logger), config_(std::move(config)), callbacks_(std::move(callbacks)) {}

void LeaderElector::observe(const LeaseRecord& record) {
  if (record.holderIdentity == observedHolder_) return;
  observedHolder_ = record.holderIdentity;
  if (!observedHolder_.empty()) {
    logger_.info("leader observed", {{"lease", config_.namespace_ + "/" + config_.name}, {"holder", observedHolder_}});
    if (callbacks_.onNewLeader) callbacks_.onNewLeader(observedHolder_);
  }
}

Result<bool> LeaderElector::tryAcquireOrRenew() {
  const auto& type = k8s::resources::kLeases;
  // A Conflict means someone wrote between our read and our write: read again and decide again.
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto lease = client_.get(type, config_.namespace_, config_.name);
    if (!lease && lease.error().code != ErrorCode::NotFound) return lease.error();
    std::optional<LeaseRecord> current;
    if (lease) current = leaseRecordFromLease(*lease);
    TimePoint now = clock_.now();
    LeaseDecision decision = decideLease(current, config_.identity, config_.leaseDuration, now);
    if (decision.action == LeaseAction::Wait) {
      observe(decision.record);
      return false;
    }
    Result<Json> written = makeError(ErrorCode::Internal, "unreachable");
    if (decision.action == LeaseAction::Create) {
      Json object = {{"apiVersion", type.apiVersion()},
                     {"kind", type.kind},
                     {"metadata", {{"name", config_.name}, {"namespace", config_.namespace_}}},
                     {"spec", leaseSpec(decision.record)}};
      written = client_.create(type, config_.namespace_, object);
    } else {
      Json object = *lease;
      object["spec"] = leaseSpec(decision.record);
      written = client_.update(type, config_.namespace_, object);
    }
    if (written) {
      observe(decision.record);
      return true;
    }
    ErrorCode code = written.error().code;
    if (code != ErrorCode::Conflict && code != ErrorCode::AlreadyExists) return written.error();
  }
  return makeError(ErrorCode::Conflict, "lease " + config_.name + " kept changing under us");
}

bool LeaderElector::holdsLease() const {
  return clock_.monotonicNow().time_since_epoch().count() < leaseValidUntil_.load();
}

void LeaderElector::renewedAt(MonotonicTime began) {
  lastRenew_ = began;
  leaseValidUntil_ = (began + config_.renewDeadline).time_since_epoch().count();
}

bool LeaderElector::renewStep() {
  const MonotonicTime began = clock_.monotonicNow();  // the renewTime we write is no earlier than this
  auto renewed = tryAcquireOrRenew();
  if (renewed && *renewed) {
    renewedAt(began);
    return true;
  }
  if (renewed) {
    leaseValidUntil_ = 0;
    logger_.warn("lease taken by another holder", {{"holder", observedHolder_}});
    return false;
  }
  if (clock_.monotonicNow() - lastRenew_ > config_.renewDeadline) {
    logger_.error("lease not renewed within the renew deadline",
                  {{"error", renewed.error().describe()}, {"renewDeadlineMs", config_.renewDeadline.count()}});
    return false;
  }
  logger_.warn("lease renew failed, retrying", {{"error", renewed.error().describe()}});
  return true;
}

Status LeaderElector::release() {
  const auto& type = k8s::resources::kLeases;
  auto lease = client_.get(type, config_.namespace_, config_.name);
  if (!lease) return lease.error().code == ErrorCode::NotFound ? okStatus() : Status(lease.error());
  LeaseRecord record = leaseRecordFromLease(*lease);
  if (record.holderIdentity != config_.identity) return okStatus();
  TimePoint now = clock_.now();
  record.holderIdentity.clear();
  record.leaseDurationSeconds = 1;
  record.renewTime = now;
  record.acquireTime = now;
  Json object = *lease;
  object["spec"] = leaseSpec(record);
  auto written = client_.update(type, config_.namespace_, object);
  if (!written) return written.error();
  leaseValidUntil_ = 0;
  leader_ = false;
  return okStatus();
}

bool LeaderElector::waitOrStop(Duration d) {
  std::unique_lock lock(mutex_);
  return !wake_.wait_for(lock, d, [this] { return stopping_.load(); });
}

void LeaderElector::stop() {
  stopping_ = true;
  std::lock_guard lock(mutex_);
  wake_.notify_all();
}

void LeaderElector::run() {
  const nlohmann::json lease = {{"lease", config_.namespace_ + "/" + config_.name}, {"identity", config_.identity}};
  logger_.info("waiting for leadership", lease);
  MonotonicTime began;
  for (;;) {
    began = clock_.monotonicNow();
    auto acquired = tryAcquireOrRenew();
    if (acquired && *acquired) break;
    if (!acquired) logger_.warn("lease acquire failed", {{"error", acquired.error().describe()}});
    if (!waitOrStop(config_.retryPeriod)) return;
  }
  renewedAt(began);
  leader_ = true;
  logger_.info("leadership acquired", lease);
  if (callbacks_.onStartedLeading) callbacks_.onStartedLeading();
  while (waitOrStop(config_.retryPeriod)) {
    if (!renewStep()) break;
  }
  if (stopping_) {
    Status released = release();
    if (released) {
      logger_.info("lease released", lease);
    } else {
      logger_.warn("lease release failed", {{"error", released.error().describe()}});
    }
  }
  leaseValidUntil_ = 0;
  leader_ = false;
  if (callbacks_.onStoppedLeading) callbacks_.onStoppedLeading();
}

}  // namespace aviary::runtime
