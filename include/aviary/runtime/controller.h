#pragma once
// The controller loop: N workers take keys from the work queue and reconcile them (and firstWorkers
// more take only the keys added first).
//  - An error is retried with the key's exponential backoff (5 ms … 10 s).
//  - Success resets the backoff; an outcome with requeueAfter looks at the key again after that delay
//    (how pauses and analysis intervals wait: a timer entry, never a sleeping thread).
// The work queue guarantees one key is never reconciled by two workers at once.
// Thread-safety: start/shutDown from one controlling thread; the Reconciler is called from the
// worker threads concurrently (for different keys).

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "aviary/common/clock.h"
#include "aviary/common/result.h"
#include "aviary/runtime/log.h"
#include "aviary/runtime/work_queue.h"

namespace aviary::runtime {

struct ReconcileOutcome {
  std::optional<Duration> requeueAfter;  // look again after this long even if nothing changes
};

class Reconciler {
 public:
  virtual ~Reconciler() = default;
  // Brings the object named key ("namespace/name") to its desired state. Called concurrently for
  // different keys; an Error is retried with backoff.
  virtual Result<ReconcileOutcome> reconcile(const std::string& key) = 0;
};

struct ControllerOptions {
  std::string name = "modelrelease";  // in log lines
  int workers = 2;
  // More workers that take only keys added first (WorkQueue::addFirst): a release woken by a gate's
  // failing look (which may roll it back) never waits for a worker busy with another release's writes.
  int firstWorkers = 0;
};

class Controller {
 public:
  // queue, reconciler and logger must outlive the controller.
  Controller(WorkQueue& queue, Reconciler& reconciler, Logger& logger, ControllerOptions options = {});
  ~Controller();  // shutDown()
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  void start();
  // Stops handing out keys, waits for the reconciles in flight, joins the workers. Idempotent.
  void shutDown();

  // One get → reconcile → done round on the calling thread; false when the queue has shut down.
  // What each worker loops on; tests call it directly.
  bool processNextItem();
  // The same with getFirst(): what the workers kept for keys added first loop on.
  bool processNextFirstItem();

  uint64_t reconciles() const { return reconciles_.load(); }
  uint64_t failures() const { return failures_.load(); }

 private:
  WorkQueue& queue_;
  Reconciler& reconciler_;
  Logger& logger_;
  bool process(const std::optional<std::string>& key);

  ControllerOptions options_;
  std::vector<std::thread> workers_;
  std::atomic<uint64_t> reconciles_{0};
  std::atomic<uint64_t> failures_{0};
};

}  // namespace aviary::runtime
