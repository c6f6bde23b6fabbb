#pragma once
// A test double of k8s::Client holding objects in memory, for the informer, leader-election and
// event-recorder unit tests. It is NOT the API server: it implements just what those tests need
// (get/list/create/update with resourceVersion conflicts, merge patch, delete) and plays watch
// streams from a script. The real behaviour is proven by tests/integration/runtime against the real
// kube-apiserver.

#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "aviary/k8s/client.h"

namespace aviary::runtime::testing {

class InMemoryClientDouble : public k8s::Client {
 public:
  // One watch() call: these events in order, then the stream ends with `end`.
  struct WatchScript {
    std::vector<k8s::WatchEvent> events;
    Status end = okStatus();
  };

  // Failures the next calls of a verb ("get", "list", "create", "update", "patch", "watch") return.
  void failNext(const std::string& verb, Error error);
  void addWatchScript(WatchScript script);
  // Puts an object straight into storage (as another client would), stamping a new resourceVersion.
  k8s::Json put(const k8s::ResourceType& type, k8s::Json object);
  std::string currentResourceVersion() const;

  int calls(const std::string& verb) const;
  std::vector<k8s::WatchOptions> watchCalls() const;
  std::vector<k8s::Json> objects(const k8s::ResourceType& type) const;

  Result<k8s::Json> get(const k8s::ResourceType& type, const std::string& ns, const std::string& name) override;
  Result<k8s::ObjectList> list(const k8s::ResourceType& type, const std::string& ns,
                               const k8s::ListOptions& options) override;
  Result<k8s::Json> create(const k8s::ResourceType& type, const std::string& ns, const k8s::Json& object) override;
  Result<k8s::Json> update(const k8s::ResourceType& type, const std::string& ns, const k8s::Json& object) override;
  Result<k8s::Json> patch(const k8s::ResourceType& type, const std::string& ns, const std::string& name,
                          k8s::PatchType patchType, const k8s::Json& patch, const std::string& subresource) override;
  Result<k8s::Json> updateStatus(const k8s::ResourceType& type, const std::string& ns, const k8s::Json& object) override;
  Status remove(const k8s::ResourceType& type, const std::string& ns, const std::string& name,
                const k8s::DeleteOptions& options) override;
  Status watch(const k8s::ResourceType& type, const std::string& ns, const k8s::WatchOptions& options,
               const std::function<void(const k8s::WatchEvent&)>& onEvent, const std::atomic<bool>& stop) override;
  Result<k8s::Json> review(const k8s::ResourceType& type, const k8s::Json& review) override;

 private:
  std::optional<Error> takeFailure(const std::string& verb);
  std::string storageKey(const k8s::ResourceType& type, const std::string& ns, const std::string& name) const;
  k8s::Json stamp(k8s::Json object);

  mutable std::mutex mutex_;
  std::map<std::string, k8s::Json> storage_;
  std::map<std::string, std::deque<Error>> failures_;
  std::map<std::string, int> calls_;
  std::deque<WatchScript> watchScripts_;
  std::vector<k8s::WatchOptions> watchCalls_;
  uint64_t resourceVersion_ = 100;
};

}  // namespace aviary::runtime::testing
