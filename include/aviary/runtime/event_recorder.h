#pragma once
// Kubernetes Events (events.k8s.io/v1) about the objects aviary manages: how users learn what
// happened to their release (`kubectl describe`, `kubectl get events`).
//  - Repeats are folded: the same (object, type, reason, note) again within the dedup window patches
//    the first Event's series.count instead of creating another Event.
//  - Recording never blocks the reconcile: events go through a small bounded queue to one sender
//    thread; when the queue is full the event is dropped and counted (a metric), since an Event is
//    information, never state.
// Thread-safety: record(), dropped() from any thread.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "aviary/common/clock.h"
#include "aviary/k8s/client.h"
#include "aviary/runtime/log.h"

namespace aviary::runtime {

enum class EventType { Normal, Warning };

struct ObjectReference {
  std::string apiVersion;
  std::string kind;
  std::string namespace_;
  std::string name;
  std::string uid;
  std::string resourceVersion;
};

// The reference to an object as the API returns it (apiVersion, kind, metadata).
ObjectReference referenceTo(const nlohmann::json& object);

class EventRecorder {
 public:
  virtual ~EventRecorder() = default;
  // reason: CamelCase, machine-readable ("StepCompleted"); action: what was done or failed
  // ("SetWeight"); note: for humans (cut at 1 KiB). Never blocks.
  virtual void record(const ObjectReference& regarding, EventType type, const std::string& reason,
                      const std::string& action, const std::string& note) = 0;
};

using EventRecorderPtr = std::unique_ptr<EventRecorder>;

struct EventRecorderOptions {
  std::string reportingController = "aviary.dev/operator";
  std::string reportingInstance;  // the pod or host name of this replica
  size_t queueCapacity = 256;
  Duration dedupWindow = std::chrono::minutes(10);  // below the API server's 1 h event TTL
  size_t maxTrackedSeries = 4096;                   // bounds the dedup memory
  bool senderThread = true;                         // off only in unit tests calling sendPending()
};

// The Event object for a first occurrence, named name. Pure.
nlohmann::json buildEvent(const ObjectReference& regarding, EventType type, const std::string& reason,
                          const std::string& action, const std::string& note, const EventRecorderOptions& options,
                          TimePoint now, const std::string& name);

// Events through the API. client, clock and logger must outlive it.
class KubeEventRecorder final : public EventRecorder {
 public:
  KubeEventRecorder(k8s::Client& client, const Clock& clock, Logger& logger, EventRecorderOptions options);
  ~KubeEventRecorder() override;  // shutDown()

  void record(const ObjectReference& regarding, EventType type, const std::string& reason, const std::string& action,
              const std::string& note) override;
  // Events dropped because the queue was full.
  uint64_t dropped() const;
  // Sends every queued event on the calling thread (what the sender thread does).
  void sendPending();
  // Stops accepting, sends what is queued, joins the sender thread.
  void shutDown();

 private:
  struct Pending {
    ObjectReference regarding;
    EventType type;
    std::string reason;
    std::string action;
    std::string note;
    TimePoint at;
  };
  struct Series {
    std::string namespace_;
    std::string name;
    int count = 1;
    TimePoint first;
  };
  void send(const Pending& event);
  bool createEvent(const Pending& event, const std::string& seriesKey);
  void senderLoop();

  k8s::Client& client_;
  const Clock& clock_;
  Logger& logger_;
  EventRecorderOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;
  uint64_t dropped_ = 0;
  bool stopping_ = false;
  std::unordered_map<std::string, Series> series_;  // sender thread only
  uint32_t sequence_ = 0;                           // sender thread only
  std::thread sender_;
};

}  // namespace aviary::runtime
