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
  if (!cached.object) return makeError(ErrorCode::NotFound, type.kind + " " + key + " not found");
  return *cached.object;
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
  return remember(type, server_.create(type, ns, object));
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
