#pragma once
// Informer: keeps an ObjectStore in step with the API server for one (resource type, namespace or
// all, label selector), by list-then-watch, and tells handlers what changed.
//  - The watch resumes from the last resourceVersion seen (events and bookmarks); when the stream
//    ends it is reopened at once, when it fails (server restarted) it is reopened after a backoff;
//    410 Gone (that version was compacted) makes it relist, and the relist is diffed against the
//    cache so no add, update or delete is lost across the gap.
//  - "Never older than our own last write": after the controller writes an object it calls
//    recordWrite(key, rv); get(key) then says whether the cache has caught up with that write, so a
//    reconcile can wait rather than act on its own stale past (as Argo Rollouts does), and
//    callWhenCurrent(key, call) calls back as soon as the watch has delivered it.
// Handlers run on the informer's thread (and, with a resync period, on its resync thread): keep them
// short and thread-safe, typically queue.add(key).
// Thread-safety: addIndex/addHandler before start(); everything else from any thread.

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "aviary/common/clock.h"
#include "aviary/common/result.h"
#include "aviary/k8s/client.h"
#include "aviary/runtime/backoff.h"
#include "aviary/runtime/log.h"
#include "aviary/runtime/object_store.h"

namespace aviary::runtime {

struct EventHandler {
  std::function<void(const ObjectPtr& object)> onAdd;
  std::function<void(const ObjectPtr& previous, const ObjectPtr& current)> onUpdate;
  // The last state the cache knew (after a relist gap, possibly older than the deletion).
  std::function<void(const ObjectPtr& object)> onDelete;
};

// An EventHandler that calls enqueue(key) with the object's own key for every event.
EventHandler enqueueKeyHandler(std::function<void(const std::string& key)> enqueue);

struct InformerOptions {
  std::string namespace_;     // "" = all namespaces
  std::string labelSelector;  // "" = everything
  // Calls onUpdate(object, object) for every cached object this often; 0 = never.
  Duration resyncPeriod{0};
  BackoffPolicy reconnectBackoff{std::chrono::milliseconds(200), std::chrono::seconds(30), 0.2};
  int watchTimeoutSeconds = 300;  // the server ends each watch after this; it is then reopened
  int64_t pageSize = 500;         // list page size
};

// A cached object and whether the cache is known to include the caller's last recorded write.
struct CachedObject {
  ObjectPtr object;  // nullptr when not in the cache
  bool upToDate = true;
};

class Informer {
 public:
  // client and logger must outlive the informer.
  Informer(k8s::Client& client, k8s::ResourceType type, InformerOptions options, Logger& logger);
  ~Informer();  // stop()
  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;

  void addIndex(const std::string& name, IndexFunc func) { store_.addIndex(name, std::move(func)); }
  void addHandler(EventHandler handler);

  // Runs the list/watch loop (and the resync timer) on background threads until stop().
  void start();
  void stop();

  // The first list has been applied to the store.
  bool hasSynced() const { return synced_.load(); }
  // Blocks until synced, stop(), or the (real-time) timeout. True when synced.
  bool waitForSync(Duration timeout);

  CachedObject get(const std::string& key) const;
  // Calls call(key) once the cache has caught up with the last recorded write of key: at once
  // (on this thread) when it already has, else on the informer's thread when the watch delivers it.
  // One call per key is kept (a later one replaces it); none is made after stop().
  void callWhenCurrent(const std::string& key, std::function<void(const std::string& key)> call);
  const ObjectStore& store() const { return store_; }
  // Notes that the caller wrote key at resourceVersion rv (from the write's response).
  void recordWrite(const std::string& key, const std::string& rv);
  // The resourceVersion the cache is current to (the last list, event or bookmark).
  std::string resourceVersion() const;
  const k8s::ResourceType& type() const { return type_; }

  // One step each of the loop, public so tests can drive them in order without threads.
  // listOnce: lists every page, replaces the store, reports the differences, marks synced.
  Status listOnce();
  // watchOnce: one watch from resourceVersion() until the stream ends (ok), fails, or stop().
  // Gone when the server says the version is too old (the caller relists).
  Status watchOnce();
  // Reports every cached object as updated (the resync).
  void resync();

 private:
  void run();
  void resyncLoop();
  // Sleeps up to d unless stop() comes first; false when stopping.
  bool waitOrStop(Duration d);
  void apply(const k8s::WatchEvent& event);
  void advanceResourceVersion(const std::string& rv);
  bool upToDateLocked(const std::string& key, const ObjectPtr& cached) const;  // mutex_ held
  void notifyAdd(const ObjectPtr& object);
  void notifyUpdate(const ObjectPtr& previous, const ObjectPtr& current);
  void notifyDelete(const ObjectPtr& object);

  k8s::Client& client_;
  k8s::ResourceType type_;
  InformerOptions options_;
  Logger& logger_;
  ObjectStore store_;
  std::vector<EventHandler> handlers_;
  Backoff backoff_;

  std::atomic<bool> synced_{false};
  std::atomic<bool> stopping_{false};
  std::atomic<bool> abortWatch_{false};  // set by stop() or by an error event: ends the open watch
  int eventsSeen_ = 0;                   // in the current watch; the loop thread only
  std::unordered_map<std::string, std::function<void(const std::string&)>> callsWhenCurrent_;
  mutable std::mutex mutex_;  // guards resourceVersion_, writes_, callsWhenCurrent_, and the stop/sync waits
  std::condition_variable wake_;
  std::string resourceVersion_;
  std::unordered_map<std::string, std::string> writes_;  // key → rv of our last write not yet seen
  std::thread loop_;
  std::thread resync_;
};

}  // namespace aviary::runtime
