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
  const std::string outsideKey = type.key() + "/" + ns + "/" + name;
  auto cached = cache->get(key);
  // Our own last write is not in the cache yet: what the server answered it with is the object now.
  // Without that answer at hand (written before this client), the server has the truth (one read).
  if (!cached.upToDate) {
    if (auto own = ownWrite(outsideKey)) return *own;
    return server_.get(type, ns, name);
  }
  forgetOwnWrite(outsideKey);
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

std::optional<k8s::Json> CacheReadingClient::ownWrite(const std::string& key) {
  std::lock_guard lock(ownMutex_);
  auto it = ownWrites_.find(key);
  if (it == ownWrites_.end()) return std::nullopt;
  return it->second.object;
}

void CacheReadingClient::forgetOwnWrite(const std::string& key) {
  std::lock_guard lock(ownMutex_);
  if (!ownWrites_.empty()) ownWrites_.erase(key);
}

Result<k8s::Json> CacheReadingClient::remember(const k8s::ResourceType& type, Result<k8s::Json> written,
                                               bool keepAnswer) {
  if (!written.ok()) return written;
  runtime::Informer* cache = cacheFor(type);
  if (!cache) return written;
  const auto& meta = written->value("metadata", k8s::Json::object());
  const std::string cacheKey = runtime::objectKey(*written);
  cache->recordWrite(cacheKey, meta.value("resourceVersion", std::string()));
  if (!keepAnswer) return written;
  const std::string key = type.key() + "/" + meta.value("namespace", std::string()) + "/" + meta.value("name", std::string());
  std::lock_guard lock(ownMutex_);
  ownWrites_[key] = OwnWrite{cache, cacheKey, runtime::trimObject(*written)};  // what the cache would hold
  // Answers not read again before the cache caught up go at the next write once a few are kept.
  constexpr size_t kManyKept = 64;
  if (ownWrites_.size() > kManyKept) {
    std::erase_if(ownWrites_, [](const auto& entry) { return entry.second.cache->get(entry.second.cacheKey).upToDate; });
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
  return remember(type, std::move(created), true);
}

Result<k8s::Json> CacheReadingClient::update(const k8s::ResourceType& type, const std::string& ns, const k8s::Json& object) {
  return remember(type, server_.update(type, ns, object), true);
}

Result<k8s::Json> CacheReadingClient::patch(const k8s::ResourceType& type, const std::string& ns, const std::string& name,
                                            k8s::PatchType patchType, const k8s::Json& patch, const std::string& subresource) {
  // A status write (the release's own) is read from its informer, never through this client.
  return remember(type, server_.patch(type, ns, name, patchType, patch, subresource), subresource.empty());
}

Result<k8s::Json> CacheReadingClient::updateStatus(const k8s::ResourceType& type, const std::string& ns,
                                                   const k8s::Json& object) {
  return remember(type, server_.updateStatus(type, ns, object), false);
}

}  // namespace aviary::controller
