#pragma once
// An in-memory k8s::Client for unit tests: objects keyed by resource/namespace/name, resourceVersions
// that move on every write, Conflict on a stale update, merge patches as RFC 7386. It counts writes so
// tests can assert "no write when nothing changed".

#include <functional>
#include <map>
#include <string>
#include <utility>

#include "aviary/k8s/client.h"

namespace aviary::testing {

class FakeKubeClient final : public k8s::Client {
 public:
  using Json = k8s::Json;

  int writes = 0;
  int updates = 0;
  int patches = 0;
  // Run once, right before the next update / create is applied: let a test play a concurrent writer.
  std::function<void()> beforeNextUpdate;
  std::function<void()> beforeNextCreate;
  // Applied to every created object, like server-side defaulting.
  std::function<void(Json&)> defaulter;

  // Stores object as if the server had it (no write counted); returns the stored copy.
  Json seed(const k8s::ResourceType& type, Json object) {
    auto& meta = object["metadata"];
    if (!meta.contains("uid")) meta["uid"] = "uid-" + std::to_string(++uid_);
    meta["resourceVersion"] = std::to_string(++resourceVersion_);
    objects_[key(type, meta.value("namespace", ""), meta.value("name", ""))] = object;
    return object;
  }

  // Changes a stored object as another writer would (new resourceVersion, no write counted).
  void mutate(const k8s::ResourceType& type, const std::string& ns, const std::string& name,
              const std::function<void(Json&)>& change) {
    Json& object = objects_.at(key(type, ns, name));
    change(object);
    object["metadata"]["resourceVersion"] = std::to_string(++resourceVersion_);
  }

  bool has(const k8s::ResourceType& type, const std::string& ns, const std::string& name) const {
    return objects_.count(key(type, ns, name)) > 0;
  }
  const Json& stored(const k8s::ResourceType& type, const std::string& ns, const std::string& name) const {
    return objects_.at(key(type, ns, name));
  }

  Result<Json> get(const k8s::ResourceType& type, const std::string& ns, const std::string& name) override {
    auto it = objects_.find(key(type, ns, name));
    if (it == objects_.end()) return notFound(type, ns, name);
    return it->second;
  }

  Result<k8s::ObjectList> list(const k8s::ResourceType&, const std::string&, const k8s::ListOptions&) override {
    return makeError(ErrorCode::Internal, "FakeKubeClient: list not supported");
  }

  Result<Json> create(const k8s::ResourceType& type, const std::string& ns, const Json& object) override {
    if (beforeNextCreate) std::exchange(beforeNextCreate, nullptr)();
    const std::string name = object["metadata"].value("name", "");
    if (objects_.count(key(type, ns, name))) return makeError(ErrorCode::AlreadyExists, name + " already exists");
    Json stored = object;
    stored["metadata"]["namespace"] = ns;
    if (defaulter) defaulter(stored);
    ++writes;
    return seed(type, stored);
  }

  Result<Json> update(const k8s::ResourceType& type, const std::string& ns, const Json& object) override {
    if (beforeNextUpdate) std::exchange(beforeNextUpdate, nullptr)();
    const std::string name = object["metadata"].value("name", "");
    auto it = objects_.find(key(type, ns, name));
    if (it == objects_.end()) return notFound(type, ns, name);
    const std::string sent = object["metadata"].value("resourceVersion", "");
    if (!sent.empty() && sent != it->second["metadata"].value("resourceVersion", "")) {
      return makeError(ErrorCode::Conflict, "the object has been modified");
    }
    ++writes;
    ++updates;
    it->second = object;
    it->second["metadata"]["resourceVersion"] = std::to_string(++resourceVersion_);
    return it->second;
  }

  Result<Json> patch(const k8s::ResourceType& type, const std::string& ns, const std::string& name,
                     k8s::PatchType patchType, const Json& patch, const std::string& subresource) override {
    if (patchType != k8s::PatchType::Merge || !subresource.empty()) {
      return makeError(ErrorCode::Internal, "FakeKubeClient: only merge patches of the main resource");
    }
    auto it = objects_.find(key(type, ns, name));
    if (it == objects_.end()) return notFound(type, ns, name);
    ++writes;
    ++patches;
    it->second.merge_patch(patch);
    it->second["metadata"]["resourceVersion"] = std::to_string(++resourceVersion_);
    return it->second;
  }

  Result<Json> updateStatus(const k8s::ResourceType& type, const std::string& ns, const Json& object) override {
    return makeError(ErrorCode::Internal, "FakeKubeClient: updateStatus not supported");
  }

  Status remove(const k8s::ResourceType& type, const std::string& ns, const std::string& name,
                const k8s::DeleteOptions& options) override {
    auto it = objects_.find(key(type, ns, name));
    if (it == objects_.end()) return notFound(type, ns, name).error();
    if (options.preconditionUid && *options.preconditionUid != it->second["metadata"].value("uid", "")) {
      return makeError(ErrorCode::Conflict, "uid precondition failed");
    }
    ++writes;
    objects_.erase(it);
    return okStatus();
  }

  Status watch(const k8s::ResourceType&, const std::string&, const k8s::WatchOptions&,
               const std::function<void(const k8s::WatchEvent&)>&, const std::atomic<bool>&) override {
    return makeError(ErrorCode::Internal, "FakeKubeClient: watch not supported");
  }

  Result<Json> review(const k8s::ResourceType&, const Json&) override {
    return makeError(ErrorCode::Internal, "FakeKubeClient: review not supported");
  }

 private:
  static std::string key(const k8s::ResourceType& type, const std::string& ns, const std::string& name) {
    return type.key() + "/" + ns + "/" + name;
  }
  static Result<Json> notFound(const k8s::ResourceType& type, const std::string& ns, const std::string& name) {
    Error error = makeError(ErrorCode::NotFound, type.key() + " \"" + name + "\" not found");
    error.httpStatus = 404;
    return error;
  }

  std::map<std::string, Json> objects_;
  int resourceVersion_ = 100;
  int uid_ = 0;
};

}  // namespace aviary::testing
