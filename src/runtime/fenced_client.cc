#include "aviary/runtime/fenced_client.h"

namespace aviary::runtime {

using Json = k8s::Json;

FencedClient::FencedClient(k8s::Client& inner, std::function<bool()> mayWrite, std::string why)
    : inner_(inner), mayWrite_(std::move(mayWrite)), why_(std::move(why)) {}

Status FencedClient::fence() const {
  if (mayWrite_()) return okStatus();
  return makeError(ErrorCode::Unavailable, "write refused: " + why_);
}

Result<Json> FencedClient::get(const k8s::ResourceType& type, const std::string& ns, const std::string& name) {
  return inner_.get(type, ns, name);
}

Result<k8s::ObjectList> FencedClient::list(const k8s::ResourceType& type, const std::string& ns,
                                           const k8s::ListOptions& options) {
  return inner_.list(type, ns, options);
}

Result<Json> FencedClient::create(const k8s::ResourceType& type, const std::string& ns, const Json& object) {
  if (Status open = fence(); !open) return open.error();
  return inner_.create(type, ns, object);
}

Result<Json> FencedClient::update(const k8s::ResourceType& type, const std::string& ns, const Json& object) {
  if (Status open = fence(); !open) return open.error();
  return inner_.update(type, ns, object);
}

Result<Json> FencedClient::patch(const k8s::ResourceType& type, const std::string& ns, const std::string& name,
                                 k8s::PatchType patchType, const Json& patch, const std::string& subresource) {
  if (Status open = fence(); !open) return open.error();
  return inner_.patch(type, ns, name, patchType, patch, subresource);
}

Result<Json> FencedClient::updateStatus(const k8s::ResourceType& type, const std::string& ns, const Json& object) {
  if (Status open = fence(); !open) return open.error();
  return inner_.updateStatus(type, ns, object);
}

Status FencedClient::remove(const k8s::ResourceType& type, const std::string& ns, const std::string& name,
                            const k8s::DeleteOptions& options) {
  if (Status open = fence(); !open) return open.error();
  return inner_.remove(type, ns, name, options);
}

Status FencedClient::watch(const k8s::ResourceType& type, const std::string& ns, const k8s::WatchOptions& options,
                           const std::function<void(const k8s::WatchEvent&)>& onEvent, const std::atomic<bool>& stop) {
  return inner_.watch(type, ns, options, onEvent, stop);
}

Result<Json> FencedClient::review(const k8s::ResourceType& type, const Json& review) {
  return inner_.review(type, review);  // a question, not a write
}

}  // namespace aviary::runtime
