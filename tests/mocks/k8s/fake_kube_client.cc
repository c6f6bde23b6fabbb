#include "mocks/k8s/fake_kube_client.h"

#include <utility>

namespace aviary::testing {

using Json = k8s::Json;
using Lock = std::lock_guard<std::recursive_mutex>;

void FakeKubeClient::failNext(const std::string& verb, Error error) {
  Lock lock(mutex_);
  failures_[verb].push_back(std::move(error));
}

void FakeKubeClient::addWatchScript(WatchScript script) {
  Lock lock(mutex_);
  watchScripts_.push_back(std::move(script));
}

void FakeKubeClient::failNextOn(const std::string& verb, const k8s::ResourceType& type, Error error) {
  Lock lock(mutex_);
  failures_[verb + "|" + type.key()].push_back(std::move(error));
}

std::optional<Error> FakeKubeClient::takeFailure(const std::string& verb, const k8s::ResourceType& type) {
  ++calls_[verb];
  for (const std::string& queueKey : {verb + "|" + type.key(), verb}) {
    auto& queue = failures_[queueKey];
    if (queue.empty()) continue;
    Error error = queue.front();
    queue.pop_front();
    return error;
  }
  return std::nullopt;
}

std::string FakeKubeClient::key(const k8s::ResourceType& type, const std::string& ns, const std::string& name) {
  return type.key() + "|" + ns + "|" + name;
}

Error FakeKubeClient::notFound(const k8s::ResourceType& type, const std::string& name) {
  Error error = makeError(ErrorCode::NotFound, type.key() + " \"" + name + "\" not found");
  error.httpStatus = 404;
  return error;
}

Json FakeKubeClient::stamp(Json object) {
  object["metadata"]["resourceVersion"] = std::to_string(++resourceVersion_);
  return object;
}

Json FakeKubeClient::seed(const k8s::ResourceType& type, Json object) {
  Lock lock(mutex_);
  auto& meta = object["metadata"];
  if (!meta.contains("uid")) meta["uid"] = "uid-" + std::to_string(++uid_);
  return put(type, std::move(object));
}

Json FakeKubeClient::put(const k8s::ResourceType& type, Json object) {
  Lock lock(mutex_);
  object = stamp(std::move(object));
  const auto& meta = object["metadata"];
  return objects_[key(type, meta.value("namespace", ""), meta.value("name", ""))] = object;
}

void FakeKubeClient::mutate(const k8s::ResourceType& type, const std::string& ns, const std::string& name,
                            const std::function<void(Json&)>& change) {
  Lock lock(mutex_);
  Json& object = objects_.at(key(type, ns, name));
  change(object);
  object = stamp(std::move(object));
}

void FakeKubeClient::erase(const k8s::ResourceType& type, const std::string& ns, const std::string& name) {
  Lock lock(mutex_);
  objects_.erase(key(type, ns, name));
  ++resourceVersion_;
}

bool FakeKubeClient::has(const k8s::ResourceType& type, const std::string& ns, const std::string& name) const {
  Lock lock(mutex_);
  return objects_.count(key(type, ns, name)) > 0;
}

const Json& FakeKubeClient::stored(const k8s::ResourceType& type, const std::string& ns, const std::string& name) const {
  Lock lock(mutex_);
  return objects_.at(key(type, ns, name));
}

std::vector<Json> FakeKubeClient::objects(const k8s::ResourceType& type) const {
  Lock lock(mutex_);
  std::vector<Json> out;
  const std::string prefix = type.key() + "|";
  for (const auto& [k, object] : objects_) {
    if (k.rfind(prefix, 0) == 0) out.push_back(object);
  }
  return out;
}

std::string FakeKubeClient::currentResourceVersion() const {
  Lock lock(mutex_);
  return std::to_string(resourceVersion_);
}

int FakeKubeClient::calls(const std::string& verb) const {
  Lock lock(mutex_);
  auto it = calls_.find(verb);
  return it == calls_.end() ? 0 : it->second;
}

std::vector<k8s::WatchOptions> FakeKubeClient::watchCalls() const {
  Lock lock(mutex_);
  return watchCalls_;
}

Result<Json> FakeKubeClient::get(const k8s::ResourceType& type, const std::string& ns, const std::string& name) {
  Lock lock(mutex_);
  if (auto failure = takeFailure("get", type)) return *failure;
  auto it = objects_.find(key(type, ns, name));
  if (it == objects_.end()) return notFound(type, name);
  return it->second;
}

Result<k8s::ObjectList> FakeKubeClient::list(const k8s::ResourceType& type, const std::string& ns,
                                             const k8s::ListOptions&) {
  Lock lock(mutex_);
  if (auto failure = takeFailure("list", type)) return *failure;
  k8s::ObjectList list;
  const std::string prefix = type.key() + "|" + ns + (ns.empty() ? "" : "|");
  for (const auto& [k, object] : objects_) {
    if (k.rfind(prefix, 0) == 0) list.items.push_back(object);
  }
  list.resourceVersion = std::to_string(resourceVersion_);
  return list;
}

Result<Json> FakeKubeClient::create(const k8s::ResourceType& type, const std::string& ns, const Json& object) {
  Lock lock(mutex_);
  if (beforeNextCreate) std::exchange(beforeNextCreate, nullptr)();
  if (auto failure = takeFailure("create", type)) return *failure;
  const std::string name = object["metadata"].value("name", "");
  if (objects_.count(key(type, ns, name))) return makeError(ErrorCode::AlreadyExists, name + " already exists");
  Json stored = object;
  stored["metadata"]["namespace"] = ns;
  if (defaulter) defaulter(stored);
  ++writes;
  return seed(type, std::move(stored));
}

Result<Json> FakeKubeClient::update(const k8s::ResourceType& type, const std::string& ns, const Json& object) {
  Lock lock(mutex_);
  if (beforeNextUpdate) std::exchange(beforeNextUpdate, nullptr)();
  if (auto failure = takeFailure("update", type)) return *failure;
  auto it = objects_.find(key(type, ns, object["metadata"].value("name", "")));
  if (it == objects_.end()) return notFound(type, object["metadata"].value("name", ""));
  const std::string sent = object["metadata"].value("resourceVersion", "");
  if (!sent.empty() && sent != it->second["metadata"].value("resourceVersion", "")) {
    return makeError(ErrorCode::Conflict, "the object has been modified");
  }
  ++writes;
  ++updates;
  Json stored = object;
  if (pruner) pruner(stored);
  return it->second = stamp(stored);
}

Result<Json> FakeKubeClient::patch(const k8s::ResourceType& type, const std::string& ns, const std::string& name,
                                   k8s::PatchType patchType, const Json& patch, const std::string& subresource) {
  Lock lock(mutex_);
  if (onPatch) onPatch(type, subresource);
  if (auto failure = takeFailure("patch", type)) return *failure;
  auto it = objects_.find(key(type, ns, name));
  if (it == objects_.end()) return notFound(type, name);
  Json patched = it->second;
  if (patchType == k8s::PatchType::Merge) {
    patched.merge_patch(patch);
  } else if (patchType == k8s::PatchType::Json) {
    try {
      patched = patched.patch(patch);
    } catch (const nlohmann::json::exception& e) {  // a failed "test" or a missing path: nothing written
      return makeError(ErrorCode::Invalid, std::string("json patch not applied: ") + e.what());
    }
  } else {
    return makeError(ErrorCode::Internal, "FakeKubeClient: merge and JSON patches only");
  }
  ++writes;
  ++patches;
  return it->second = stamp(std::move(patched));
}

Result<Json> FakeKubeClient::updateStatus(const k8s::ResourceType& type, const std::string& ns, const Json& object) {
  return update(type, ns, object);
}

Status FakeKubeClient::remove(const k8s::ResourceType& type, const std::string& ns, const std::string& name,
                              const k8s::DeleteOptions& options) {
  Lock lock(mutex_);
  if (auto failure = takeFailure("delete", type)) return *failure;
  auto it = objects_.find(key(type, ns, name));
  if (it == objects_.end()) return notFound(type, name);
  if (options.preconditionUid && *options.preconditionUid != it->second["metadata"].value("uid", "")) {
    return makeError(ErrorCode::Conflict, "uid precondition failed");
  }
  ++writes;
  objects_.erase(it);
  ++resourceVersion_;
  return okStatus();
}

Status FakeKubeClient::watch(const k8s::ResourceType& type, const std::string&, const k8s::WatchOptions& options,
                             const std::function<void(const k8s::WatchEvent&)>& onEvent, const std::atomic<bool>& stop) {
  WatchScript script;
  {
    Lock lock(mutex_);
    watchCalls_.push_back(options);
    if (auto failure = takeFailure("watch", type)) return *failure;
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

Result<Json> FakeKubeClient::review(const k8s::ResourceType& type, const Json& review) {
  if (reviewer) return reviewer(type, review);
  return makeError(ErrorCode::Internal, "FakeKubeClient: review is not part of this fake");
}

}  // namespace aviary::testing
