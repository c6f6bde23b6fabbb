#pragma once
// The controller's work queue, after client-go's workqueue: keys ("namespace/name") waiting to be
// reconciled.
//  - add(key) deduplicates: a key waiting once is handed out once, however often it was added.
//  - A key is never handed to two workers at once: added again while a worker holds it, it waits and
//    is handed out again after done(key).
//  - addRateLimited(key) retries after a per-key exponential backoff; forget(key) resets it.
//  - addFirst(key) queues the key in a lane of its own, handed out before the rest by get() and
//    alone by getFirst() (the worker kept for it: fresh evidence never waits for a busy worker).
//  - addAfter(key, delay) holds the key on one timer heap served by one timer thread (a pause of
//    10,000 releases is 10,000 heap entries, not 10,000 threads). The delay is measured on the
//    injected Clock.
// Thread-safety: every method may be called from any thread.

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <queue>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "aviary/common/clock.h"
#include "aviary/runtime/backoff.h"

namespace aviary::runtime {

// The timer heap behind addAfter, without threads: keys with the time they become due. A key held
// twice keeps its earlier time (a later addAfter never postpones a sooner retry).
// Thread-safety: none; WorkQueue guards it with its mutex. Tests drive it directly with a ManualClock.
class DelayingQueueCore {
 public:
  void schedule(const std::string& key, MonotonicTime readyAt);
  // Removes and returns the keys due at `now`, earliest first (ties in scheduling order).
  std::vector<std::string> popDue(MonotonicTime now);
  // When the earliest held key becomes due; nullopt when nothing is held.
  std::optional<MonotonicTime> nextReadyAt();
  size_t size() const { return readyAt_.size(); }

 private:
  struct Entry {
    MonotonicTime readyAt;
    uint64_t sequence;
    std::string key;
    bool operator>(const Entry& other) const {
      return readyAt != other.readyAt ? readyAt > other.readyAt : sequence > other.sequence;
    }
  };
  void dropStale();

  // Rescheduling earlier pushes a second entry; the stale one is skipped when it surfaces, which
  // keeps schedule O(log n) without a decrease-key.
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> heap_;
  std::unordered_map<std::string, MonotonicTime> readyAt_;
  uint64_t sequence_ = 0;
};

struct WorkQueueOptions {
  BackoffPolicy backoff;  // for addRateLimited: 5 ms doubling to 10 s by default
  // Starts the timer thread that moves due delayed keys into the queue. Off only in unit tests that
  // call promoteDue() themselves.
  bool timerThread = true;
  // Told the number of keys waiting to be handed out (what len() returns) each time it changes: the
  // depth metric. Called with the queue's lock held: it must be cheap and must not call the queue.
  std::function<void(size_t depth)> onDepth;
};

class WorkQueue {
 public:
  explicit WorkQueue(Clock& clock, WorkQueueOptions options = {});
  ~WorkQueue();  // shuts down (without drain) and joins the timer thread
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  // No effect after shutdown.
  void add(const std::string& key);
  // add, ahead of every waiting key: a release with fresh evidence to act on (a failing gate look the
  // measurement pool just fetched may roll it back) does not wait behind a full queue. A key in a
  // worker's hands is handed out first once done.
  void addFirst(const std::string& key);
  void addAfter(const std::string& key, Duration delay);
  // addAfter with the key's next backoff delay.
  void addRateLimited(const std::string& key);
  // Resets the key's backoff (call after a successful reconcile).
  void forget(const std::string& key);
  int numRequeues(const std::string& key) const;

  // Blocks until a key is ready or the queue shuts down (nullopt: the worker should exit). The caller
  // owns the key until done(key). Keys added first come first.
  std::optional<std::string> get();
  // get(), of keys added first only.
  std::optional<std::string> getFirst();
  void done(const std::string& key);

  // Keys waiting to be handed out (not counting delayed or in-flight ones): the depth metric.
  size_t len() const;
  // Keys held by addAfter / addRateLimited.
  size_t delayedLen() const;

  // Moves the delayed keys due now into the queue; what the timer thread does each time it wakes.
  void promoteDue();

  // Wakes every waiting get() with nullopt; keys still queued are dropped.
  void shutDown();
  // shutDown, then waits until every in-flight key is done.
  void shutDownWithDrain();
  bool shuttingDown() const;

 private:
  void addLocked(const std::string& key);
  void queueFirstLocked(const std::string& key);
  std::string handOutLocked(std::deque<std::string>& from);
  void depthChangedLocked() const;
  void timerLoop();

  Clock& clock_;
  WorkQueueOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable readyCv_;   // get() waiters
  std::condition_variable firstCv_;   // getFirst() waiters
  std::condition_variable drainCv_;   // shutDownWithDrain waiting on done()
  std::condition_variable timerCv_;   // the timer thread: a sooner key arrived, or shutdown
  std::deque<std::string> first_;  // added first, not yet handed out
  std::deque<std::string> queue_;  // the rest
  std::unordered_set<std::string> dirty_;       // queued, or re-added while processing
  std::unordered_set<std::string> processing_;  // handed out, not yet done
  std::unordered_set<std::string> urgent_;      // re-added first while processing
  DelayingQueueCore delayed_;
  Backoff backoff_;
  bool shuttingDown_ = false;
  std::thread timer_;
};

}  // namespace aviary::runtime
