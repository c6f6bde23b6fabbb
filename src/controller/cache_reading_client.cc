#include "aviary/controller/cache_reading_client.h"

namespace aviary::controller {

runtime::Informer* CacheReadingClient::cacheFor(const k8s::ResourceType& type) const {
  auto it = caches_.find(type.key());
  return it == caches_.end() ? nullptr : it->second;
}

Result<k8s::Json> CacheReadingClient::get(const k8s::ResourceType& type, const std::string& ns, const std::string& name) {
  runtime::Informer* cache = cacheFor(type);
  if (!cache) return server_.get(type, ns, name);
  const std::string key = type.namespaced ? ns + "/" + name : name;
  auto cached = cache->get(key);
  // Our own last write is not in the cache yet: the server has the truth (rare; costs one read).
  if (!cached.upToDate) return server_.get(type, ns, name);
  const std::string outsideKey = type.key() + "/" + ns + "/" + name;
  if (outsideCache(outsideKey, cached.object != nullptr)) {
    auto live = server_.get(type, ns, name);
    if (!live && live.error().code == ErrorCode::NotFound) outsideCache(outsideKey, true);
    return live;
  }
  if (!cached.object) return makeError(ErrorCode::NotFound, type.kind + " " + key + " not found");
  return *cached.object;
}

// Whether key names an object known to exist outside the cache; forget = it is cached again or gone.
bool CacheReadingClient::outsideCache(const std::string& key, bool forget) {
  std::lock_guard lock(outsideMutex_);
  if (outside_.empty()) return false;
  if (forget) {
    outside_.erase(key);
    return false;
  }
  return outside_.count(key) > 0;
}

Result<k8s::Json> CacheReadingClient::remember(const k8s::ResourceType& type, Result<k8s::Json> written) {
  if (written.ok()) {
    if (runtime::Informer* cache = cacheFor(type)) {
      const auto& meta = written->value("metadata", k8s::Json::object());
      cache->recordWrite(runtime::objectKey(*written), meta.value("resourceVersion", std::string()));
    }
  }
  return written;
}

Result<k8s::Json> CacheReadingClient::create(const k8s::ResourceType& type, const std::string& ns, const k8s::Json& object) {
  auto created = server_.create(type, ns, object);
  if (!created && created.error().code == ErrorCode::AlreadyExists && cacheFor(type)) {
    // Its labels were edited away: the caller reads it from the server and puts them back, rather
    // than creating it over and over.
    const std::string name = object.value("metadata", k8s::Json::object()).value("name", std::string());
    std::lock_guard lock(outsideMutex_);
    outside_.insert(type.key() + "/" + ns + "/" + name);
  }
  return remember(type, std::move(created));
}

Result<k8s::Json> CacheReadingClient::update(const k8s::ResourceType& type, const std::string& ns, const k8s::Json& object) {
  return remember(type, server_.update(type, ns, object));
}

Result<k8s::Json> CacheReadingClient::patch(const k8s::ResourceType& type, const std::string& ns, const std::string& name,
                                            k8s::PatchType patchType, const k8s::Json& patch, const std::string& subresource) {
  return remember(type, server_.patch(type, ns, name, patchType, patch, subresource));
}

Result<k8s::Json> CacheReadingClient::updateStatus(const k8s::ResourceType& type, const std::string& ns,
                                                   const k8s::Json& object) {
  return remember(type, server_.updateStatus(type, ns, object));
}

}  // namespace aviary::controller
