#pragma once
// The one in-memory k8s::Client of the unit tests. It is NOT the API server: objects keyed by
// resource/namespace/name, a resourceVersion that moves on every write, Conflict on a stale update,
// merge patches as RFC 7386, a uid precondition on delete, lists (label selectors ignored) and watch
// streams played from a script. It counts calls and writes so tests can assert "no write when nothing
// changed", fails the next call of a verb on demand, and lets a test play a concurrent writer. The real
// behaviour is proven against kube-apiserver by tests/integration.
// Thread-safety: every call may come from any thread (informers run their own).

#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "aviary/k8s/client.h"

namespace aviary::testing {

class FakeKubeClient : public k8s::Client {
 public:
  using Json = k8s::Json;

  // One watch() call: these events in order, then the stream ends with `end`.
  struct WatchScript {
    std::vector<k8s::WatchEvent> events;
    Status end = okStatus();
  };

  // Writes that reached storage (create, update, patch, delete), and of them updates and patches.
  int writes = 0;
  int updates = 0;
  int patches = 0;
  // Run once, right before the next update / create is applied: let a test play a concurrent writer.
  std::function<void()> beforeNextUpdate;
  std::function<void()> beforeNextCreate;
  // Called on every patch, on the caller's thread, before it is applied.
  std::function<void(const k8s::ResourceType&, const std::string& subresource)> onPatch;
  // Applied to every created object, like server-side defaulting.
  std::function<void(Json&)> defaulter;
  // Applied to every updated object before it is stored, like the pruning of fields a CRD lacks.
  std::function<void(Json&)> pruner;
  // Answers review() (TokenReview, SubjectAccessReview); unset, review() fails.
  std::function<Result<Json>(const k8s::ResourceType&, const Json&)> reviewer;

  // Failures the next calls of a verb ("get", "list", "create", "update", "patch", "delete", "watch")
  // return, in order.
  void failNext(const std::string& verb, Error error);
  // As failNext, for calls on one resource type only (before any failNext of the verb).
  void failNextOn(const std::string& verb, const k8s::ResourceType& type, Error error);
  void addWatchScript(WatchScript script);

  // Stores object as another client would (a uid when it has none, a new resourceVersion; no write
  // counted) and returns the stored copy.
  Json seed(const k8s::ResourceType& type, Json object);
  // As seed, but stores the object as given apart from its resourceVersion (no uid added).
  Json put(const k8s::ResourceType& type, Json object);
  // Changes a stored object as another writer would (new resourceVersion, no write counted).
  void mutate(const k8s::ResourceType& type, const std::string& ns, const std::string& name,
              const std::function<void(Json&)>& change);
  // Removes a stored object as another client would (no write counted).
  void erase(const k8s::ResourceType& type, const std::string& ns, const std::string& name);

  bool has(const k8s::ResourceType& type, const std::string& ns, const std::string& name) const;
  // The stored object; the reference holds until that object is written again.
  const Json& stored(const k8s::ResourceType& type, const std::string& ns, const std::string& name) const;
  std::vector<Json> objects(const k8s::ResourceType& type) const;
  std::string currentResourceVersion() const;
  int calls(const std::string& verb) const;
  std::vector<k8s::WatchOptions> watchCalls() const;

  Result<Json> get(const k8s::ResourceType& type, const std::string& ns, const std::string& name) override;
  Result<k8s::ObjectList> list(const k8s::ResourceType& type, const std::string& ns,
                               const k8s::ListOptions& options) override;
  Result<Json> create(const k8s::ResourceType& type, const std::string& ns, const Json& object) override;
  Result<Json> update(const k8s::ResourceType& type, const std::string& ns, const Json& object) override;
  // Merge patches and JSON patches (RFC 6902; a failed "test" writes nothing and fails Invalid, as the
  // API server answers 422), of the object or a subresource: the whole object is stored either way.
  Result<Json> patch(const k8s::ResourceType& type, const std::string& ns, const std::string& name,
                     k8s::PatchType patchType, const Json& patch, const std::string& subresource) override;
  Result<Json> updateStatus(const k8s::ResourceType& type, const std::string& ns, const Json& object) override;
  Status remove(const k8s::ResourceType& type, const std::string& ns, const std::string& name,
                const k8s::DeleteOptions& options) override;
  Status watch(const k8s::ResourceType& type, const std::string& ns, const k8s::WatchOptions& options,
               const std::function<void(const k8s::WatchEvent&)>& onEvent, const std::atomic<bool>& stop) override;
  Result<Json> review(const k8s::ResourceType& type, const Json& review) override;

 private:
  std::optional<Error> takeFailure(const std::string& verb, const k8s::ResourceType& type);
  static std::string key(const k8s::ResourceType& type, const std::string& ns, const std::string& name);
  static Error notFound(const k8s::ResourceType& type, const std::string& name);
  Json stamp(Json object);

  // Recursive: a beforeNext* hook may call seed/mutate while a write holds the lock.
  mutable std::recursive_mutex mutex_;
  std::map<std::string, Json> objects_;
  std::map<std::string, std::deque<Error>> failures_;
  std::map<std::string, int> calls_;
  std::deque<WatchScript> watchScripts_;
  std::vector<k8s::WatchOptions> watchCalls_;
  uint64_t resourceVersion_ = 100;
  int uid_ = 0;
};

}  // namespace aviary::testing
