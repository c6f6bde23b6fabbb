#pragma once
// What the dashboard reads: the releases as the informer last saw them, each release's history rings
// (release_history.h), and a change counter that long polls wait on. Fed by the operator's (or the
// local command's) ModelRelease informer through handler(), so a page view reads memory, never the
// API server.
//
// Thread-safety: every method may be called from several threads at once; waitForChange blocks the
// calling thread only. Ownership: the clock must outlive the feed; the handler refers to the feed,
// which must outlive the informer it is added to (stop the informer first).

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "aviary/common/clock.h"
#include "aviary/dashboard/release_history.h"
#include "aviary/runtime/informer.h"

namespace aviary::dashboard {

class ReleaseFeed {
 public:
  explicit ReleaseFeed(const Clock& clock, HistoryLimits limits = {});

  // For Informer::addHandler (before the informer starts).
  runtime::EventHandler handler();
  // The same, called directly (tests, and handler()).
  void upsert(const runtime::ObjectPtr& release);
  void remove(const runtime::ObjectPtr& release);

  std::vector<runtime::ObjectPtr> releases() const;                 // ordered by namespace/name
  runtime::ObjectPtr release(const std::string& key) const;         // nullptr when unknown
  nlohmann::json history(const std::string& key) const { return history_.json(key); }

  // Bumped by every change. waitForChange returns as soon as version() > seen, or after `timeout`
  // (real time: it serves long polls), with the version then.
  uint64_t version() const;
  uint64_t waitForChange(uint64_t seen, Duration timeout) const;
  // Ends every wait now and makes later ones return at once: call it before stopping the server, whose
  // stop() joins the threads the long polls hold.
  void close();

 private:
  void bump();

  ReleaseHistory history_;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::map<std::string, runtime::ObjectPtr> releases_;
  uint64_t version_ = 1;
  bool closed_ = false;
};

}  // namespace aviary::dashboard
