#pragma once
// Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection does it, so that
// of several operator replicas exactly one reconciles.
//  - Acquire: create the Lease, or take it over when it is released (no holder) or expired
//    (renewTime + leaseDurationSeconds < now).
//  - Renew every retryPeriod; when no renew has succeeded for renewDeadline, or another holder is
//    found, step down (onStoppedLeading) — the process should then exit, as client-go's users do,
//    since its caches and in-flight work assumed leadership.
//  - Release on shutdown: holder cleared and leaseDurationSeconds 1, so a standby takes over at
//    once instead of waiting out the lease.
//  - Every write is an update carrying the resourceVersion read; Conflict re-reads and decides again.
// Expiry compares the holder's renewTime with our clock: replicas need clocks within a few seconds
// of each other (NTP), well below the 15 s lease.
// The decision is the pure decideLease below; LeaderElector is the thin loop around it.

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "aviary/common/clock.h"
#include "aviary/common/result.h"
#include "aviary/k8s/client.h"
#include "aviary/runtime/log.h"

namespace aviary::runtime {

// The Lease spec fields leader election uses.
struct LeaseRecord {
  std::string holderIdentity;  // "" = released
  int leaseDurationSeconds = 0;
  std::optional<TimePoint> acquireTime;
  std::optional<TimePoint> renewTime;
  int leaseTransitions = 0;
};

LeaseRecord leaseRecordFromLease(const nlohmann::json& lease);
// The Lease's spec (times as MicroTime).
nlohmann::json leaseSpec(const LeaseRecord& record);
// Released, never renewed, or renewTime + leaseDurationSeconds < now.
bool leaseExpired(const LeaseRecord& record, TimePoint now);

enum class LeaseAction {
  Create,   // no Lease yet
  Acquire,  // take over a released or expired Lease
  Renew,    // we hold it
  Wait,     // another holder's Lease is still valid
};

struct LeaseDecision {
  LeaseAction action = LeaseAction::Wait;
  LeaseRecord record;  // what to write (Create/Acquire/Renew); the current record for Wait
};

// current: the Lease as read (nullopt: it does not exist). Pure.
LeaseDecision decideLease(const std::optional<LeaseRecord>& current, const std::string& identity,
                          Duration leaseDuration, TimePoint now);

struct LeaderElectionConfig {
  std::string namespace_;
  std::string name = "aviary-operator";
  std::string identity;  // unique per replica: pod name or hostname + pid
  Duration leaseDuration = std::chrono::seconds(15);
  Duration renewDeadline = std::chrono::seconds(10);
  Duration retryPeriod = std::chrono::seconds(2);
};

struct LeaderCallbacks {
  std::function<void()> onStartedLeading;
  std::function<void()> onStoppedLeading;  // after leading, for whatever reason (lost or released)
  std::function<void(const std::string& identity)> onNewLeader;  // the observed holder changed
};

// Thread-safety: run() on one thread; stop(), isLeader() from any thread.
class LeaderElector {
 public:
  // client, clock and logger must outlive the elector.
  LeaderElector(k8s::Client& client, const Clock& clock, Logger& logger, LeaderElectionConfig config,
                LeaderCallbacks callbacks);

  // Blocks: tries to acquire every retryPeriod, then renews until stop() or the lease is lost.
  // On stop() while leading, releases the Lease before returning. onStoppedLeading runs before it
  // returns if it ever led.
  void run();
  // Makes run() return (releasing the Lease if held). Safe to call more than once.
  void stop();
  bool isLeader() const { return leader_.load(); }
  // Leading, and the last successful renew began less than renewDeadline ago by our clock: no other
  // replica can have taken the Lease yet (it waits leaseDuration from that renew). False at once when
  // the process resumes from a pause longer than that, before the elector's loop notices. Any thread.
  bool holdsLease() const;

  // One read-decide-write round; true when we hold the Lease afterwards.
  Result<bool> tryAcquireOrRenew();
  // One renew round while leading: false when leadership is lost (another holder, or no successful
  // renew for renewDeadline).
  bool renewStep();
  // Clears the holder when we hold the Lease (no-op otherwise).
  Status release();

 private:
  bool waitOrStop(Duration d);
  void renewedAt(MonotonicTime began);
  void observe(const LeaseRecord& record);

  k8s::Client& client_;
  const Clock& clock_;
  Logger& logger_;
  LeaderElectionConfig config_;
  LeaderCallbacks callbacks_;
  std::atomic<bool> leader_{false};
  std::atomic<bool> stopping_{false};
  // Monotonic: a wall-clock jump never stretches or cuts the renew deadline.
  MonotonicTime lastRenew_{};  // when the last successful renew (or the acquire) began; elector thread only
  std::atomic<MonotonicTime::rep> leaseValidUntil_{0};  // lastRenew_ + renewDeadline, for holdsLease()
  std::string observedHolder_;
  std::mutex mutex_;
  std::condition_variable wake_;
};

}  // namespace aviary::runtime
