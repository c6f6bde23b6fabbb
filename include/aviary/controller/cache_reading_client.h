#pragma once
// A k8s::Client whose reads of watched resource types come from the informers' caches and whose
// writes go to the API server — and are recorded with the informer, so a later read knows whether the
// cache has caught up with them. Until it has, a read is answered with the object the server returned
// for our write (client-go's MutationCache): a router reads back the weight it just wrote in the same
// pass, without a request. The applier and the routers take this client, so an idle release
// costs no API request at all. Types without an informer are read from the server, and so is an
// object the server said exists (AlreadyExists on create) while the cache lacks it — it left the
// informer's label selector — until the cache holds it again.
// Thread-safety: as the wrapped client and the informers (fully thread-safe).

#include <map>
#include <mutex>
#include <optional>
#include <set>

#include "aviary/k8s/client.h"
#include "aviary/runtime/informer.h"

namespace aviary::controller {

class CacheReadingClient final : public k8s::Client {
 public:
  // server and the informers must outlive this client.
  explicit CacheReadingClient(k8s::Client& server) : server_(server) {}
  // Serves get() for informer.type() from informer; call before use.
  void addCache(runtime::Informer& informer) { caches_[informer.type().key()] = &informer; }

  Result<k8s::Json> get(const k8s::ResourceType& type, const std::string& ns, const std::string& name) override;
  Result<k8s::ObjectList> list(const k8s::ResourceType& type, const std::string& ns, const k8s::ListOptions& options) override {
    return server_.list(type, ns, options);
  }
  Result<k8s::Json> create(const k8s::ResourceType& type, const std::string& ns, const k8s::Json& object) override;
  Result<k8s::Json> update(const k8s::ResourceType& type, const std::string& ns, const k8s::Json& object) override;
  Result<k8s::Json> patch(const k8s::ResourceType& type, const std::string& ns, const std::string& name,
                          k8s::PatchType patchType, const k8s::Json& patch, const std::string& subresource) override;
  Result<k8s::Json> updateStatus(const k8s::ResourceType& type, const std::string& ns, const k8s::Json& object) override;
  Status remove(const k8s::ResourceType& type, const std::string& ns, const std::string& name,
                const k8s::DeleteOptions& options) override {
    return server_.remove(type, ns, name, options);
  }
  Status watch(const k8s::ResourceType& type, const std::string& ns, const k8s::WatchOptions& options,
               const std::function<void(const k8s::WatchEvent&)>& onEvent, const std::atomic<bool>& stop) override {
    return server_.watch(type, ns, options, onEvent, stop);
  }
  Result<k8s::Json> review(const k8s::ResourceType& type, const k8s::Json& review) override {
    return server_.review(type, review);
  }

 private:
  runtime::Informer* cacheFor(const k8s::ResourceType& type) const;
  // Records the write with the type's informer; keepAnswer: and keeps the object it returned for reads.
  Result<k8s::Json> remember(const k8s::ResourceType& type, Result<k8s::Json> written, bool keepAnswer);
  bool outsideCache(const std::string& key, bool forget);
  // The object our last write of key returned, while the cache is behind it.
  std::optional<k8s::Json> ownWrite(const std::string& key);
  // Drops key's entry: the cache has caught up.
  void forgetOwnWrite(const std::string& key);

  k8s::Client& server_;
  std::map<std::string, runtime::Informer*> caches_;
  std::mutex outsideMutex_;
  std::set<std::string> outside_;  // "<type key>/<ns>/<name>": read from the server until cached again
  struct OwnWrite {
    runtime::Informer* cache;
    std::string cacheKey;
    k8s::Json object;
  };
  std::mutex ownMutex_;
  std::map<std::string, OwnWrite> ownWrites_;  // "<type key>/<ns>/<name>" → what our last write returned
};

}  // namespace aviary::controller
