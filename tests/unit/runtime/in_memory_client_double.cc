#include "unit/runtime/in_memory_client_double.h"

namespace aviary::runtime::testing {

using k8s::Json;

void InMemoryClientDouble::failNext(const std::string& verb, Error error) {
  std::lock_guard lock(mutex_);
  failures_[verb].push_back(std::move(error));
}

void InMemoryClientDouble::addWatchScript(WatchScript script) {
  std::lock_guard lock(mutex_);
  watchScripts_.push_back(std::move(script));
}

std::optional<Error> InMemoryClientDouble::takeFailure(const std::string& verb) {
  ++calls_[verb];
  auto& queue = failures_[verb];
  if (queue.empty()) return std::nullopt;
  Error error = queue.front();
  queue.pop_front();
  return error;
}

std::string InMemoryClientDouble::storageKey(const k8s::ResourceType& type, const std::string& ns,
                                             const std::string& name) const {
  return type.key() + "|" + ns + "|" + name;
}

Json InMemoryClientDouble::stamp(Json object) {
  object["metadata"]["resourceVersion"] = std::to_string(++resourceVersion_);
  return object;
}

Json InMemoryClientDouble::put(const k8s::ResourceType& type, Json object) {
  std::lock_guard lock(mutex_);
  object = stamp(std::move(object));
  storage_[storageKey(type, object["metadata"].value("namespace", ""), object["metadata"].value("name", ""))] = object;
  return object;
}

std::string InMemoryClientDouble::currentResourceVersion() const {
  std::lock_guard lock(mutex_);
  return std::to_string(resourceVersion_);
}

int InMemoryClientDouble::calls(const std::string& verb) const {
  std::lock_guard lock(mutex_);
  auto it = calls_.find(verb);
  return it == calls_.end() ? 0 : it->second;
}

std::vector<k8s::WatchOptions> InMemoryClientDouble::watchCalls() const {
  std::lock_guard lock(mutex_);
  return watchCalls_;
}

std::vector<Json> InMemoryClientDouble::objects(const k8s::ResourceType& type) const {
  std::lock_guard lock(mutex_);
  std::vector<Json> out;
  std::string prefix = type.key() + "|";
  for (const auto& [key, object] : storage_) {
    if (key.rfind(prefix, 0) == 0) out.push_back(object);
  }
  return out;
}

Result<Json> InMemoryClientDouble::get(const k8s::ResourceType& type, const std::string& ns, const std::string& name) {
  std::lock_guard lock(mutex_);
  if (auto failure = takeFailure("get")) return *failure;
  auto it = storage_.find(storageKey(type, ns, name));
  if (it == storage_.end()) return makeError(ErrorCode::NotFound, name + " not found");
  return it->second;
}

Result<k8s::ObjectList> InMemoryClientDouble::list(const k8s::ResourceType& type, const std::string& ns,
                                                  const k8s::ListOptions&) {
  std::lock_guard lock(mutex_);
  if (auto failure = takeFailure("list")) return *failure;
  k8s::ObjectList list;
  std::string prefix = type.key() + "|" + ns + (ns.empty() ? "" : "|");
  for (const auto& [key, object] : storage_) {
    if (key.rfind(prefix, 0) == 0) list.items.push_back(object);
  }
  list.resourceVersion = std::to_string(resourceVersion_);
  return list;
}

Result<Json> InMemoryClientDouble::create(const k8s::ResourceType& type, const std::string& ns, const Json& object) {
  std::lock_guard lock(mutex_);
  if (auto failure = takeFailure("create")) return *failure;
  std::string key = storageKey(type, ns, object["metadata"].value("name", ""));
  if (storage_.count(key)) return makeError(ErrorCode::AlreadyExists, "already exists");
  Json stored = stamp(object);
  stored["metadata"]["namespace"] = ns;
  return storage_[key] = stored;
}

Result<Json> InMemoryClientDouble::update(const k8s::ResourceType& type, const std::string& ns, const Json& object) {
  std::lock_guard lock(mutex_);
  if (auto failure = takeFailure("update")) return *failure;
  auto it = storage_.find(storageKey(type, ns, object["metadata"].value("name", "")));
  if (it == storage_.end()) return makeError(ErrorCode::NotFound, "not found");
  if (object["metadata"].value("resourceVersion", "") != it->second["metadata"].value("resourceVersion", "")) {
    return makeError(ErrorCode::Conflict, "the object has been modified");
  }
  return it->second = stamp(object);
}

Result<Json> InMemoryClientDouble::patch(const k8s::ResourceType& type, const std::string& ns, const std::string& name,
                                         k8s::PatchType, const Json& patch, const std::string&) {
  std::lock_guard lock(mutex_);
  if (auto failure = takeFailure("patch")) return *failure;
  auto it = storage_.find(storageKey(type, ns, name));
  if (it == storage_.end()) return makeError(ErrorCode::NotFound, name + " not found");
  Json patched = it->second;
  patched.merge_patch(patch);
  return it->second = stamp(patched);
}

Result<Json> InMemoryClientDouble::updateStatus(const k8s::ResourceType& type, const std::string& ns,
                                                const Json& object) {
  return update(type, ns, object);
}

Status InMemoryClientDouble::remove(const k8s::ResourceType& type, const std::string& ns, const std::string& name,
                                    const k8s::DeleteOptions&) {
  std::lock_guard lock(mutex_);
  if (auto failure = takeFailure("delete")) return *failure;
  if (!storage_.erase(storageKey(type, ns, name))) return makeError(ErrorCode::NotFound, name + " not found");
  return okStatus();
}

Status InMemoryClientDouble::watch(const k8s::ResourceType&, const std::string&, const k8s::WatchOptions& options,
                                   const std::function<void(const k8s::WatchEvent&)>& onEvent,
                                   const std::atomic<bool>& stop) {
  WatchScript script;
  {
    std::lock_guard lock(mutex_);
    watchCalls_.push_back(options);
    if (auto failure = takeFailure("watch")) return *failure;
    if (watchScripts_.empty()) return okStatus();
    script = std::move(watchScripts_.front());
    watchScripts_.pop_front();
  }
  for (const auto& event : script.events) {
    if (stop) return okStatus();
    onEvent(event);
  }
  return script.end;
}

Result<Json> InMemoryClientDouble::review(const k8s::ResourceType&, const Json&) {
  return makeError(ErrorCode::Internal, "review is not part of this double");
}

}  // namespace aviary::runtime::testing
