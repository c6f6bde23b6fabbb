#pragma once
// The operator's MeasurementSource: a small pool of its own threads fetches the looks a reconcile pass
// found due, and wakes the release once a look's values are ready, saying whether they fail the gate;
// the next pass judges them.
//  - Bounded: at most maxQueued looks wait (beyond that, take() answers nullopt without queueing and
//    the pass asks again on its next visit); one look is fetched once however often it is asked for.
//  - Cancelled on abort: cancel() drops waiting looks and the values of those in flight.
//  - Values nobody takes (their stage ended meanwhile) are dropped after kUnclaimedTtl.
// Thread-safety: every member may be called from any thread.

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "aviary/analysis/measurement_source.h"

namespace aviary::analysis {

struct MeasurementPoolOptions {
  // Threads fetching. 0: none — nothing runs until runQueued() is called (unit tests, no sleeping).
  int workers = 4;
  size_t maxQueued = 10'000;
  // Called with the release key once a look's values are ready (the operator enqueues that key), and
  // whether its judge found them failing (the operator puts that key ahead of every other).
  std::function<void(const std::string& release, bool failing)> wake;
  // Called with the number of looks waiting or being fetched, on every change (a gauge).
  std::function<void(size_t)> onPending;
};

class MeasurementPool final : public MeasurementSource {
 public:
  static constexpr Duration kUnclaimedTtl = std::chrono::minutes(10);

  MeasurementPool(const Clock& clock, MeasurementPoolOptions options);
  ~MeasurementPool() override;  // shutDown()
  MeasurementPool(const MeasurementPool&) = delete;
  MeasurementPool& operator=(const MeasurementPool&) = delete;

  std::optional<FetchedValues> take(const MeasurementKey& key, FetchWork work) override;
  void cancel(const std::string& release, const std::string& stage) override;

  // Stops taking looks, lets the fetches in flight finish (each is bounded by its provider's timeout)
  // and joins the threads. Idempotent.
  void shutDown();

  // Runs the waiting looks on the calling thread (for a pool with 0 workers); returns how many ran.
  size_t runQueued();

  size_t pending() const;

 private:
  enum class State { Queued, Fetching, Ready };
  struct Look {
    uint64_t id = 0;  // a look cancelled and asked for again is another look
    State state = State::Queued;
    FetchWork work;
    std::optional<FetchedValues> values;  // once Ready
  };

  void workerLoop();
  // Takes the next queued look (its work moved out) under lock; false when there is none.
  bool popLocked(MeasurementKey& key, uint64_t& id, FetchWork& work);
  void fetch(const MeasurementKey& key, uint64_t id, FetchWork& work);
  void dropUnclaimedLocked(TimePoint now);
  size_t pendingLocked() const;
  void reportPendingLocked() const;

  const Clock& clock_;
  MeasurementPoolOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable wakeWorkers_;
  std::map<MeasurementKey, Look> looks_;
  std::deque<MeasurementKey> queue_;
  uint64_t nextId_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace aviary::analysis
