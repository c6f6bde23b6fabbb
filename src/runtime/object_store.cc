#include "aviary/runtime/object_store.h"

#include <charconv>
#include <mutex>

namespace aviary::runtime {

namespace {
std::string stringAt(const Json& object, const Json::json_pointer& pointer) {
  if (!object.contains(pointer)) return "";
  const Json& value = object.at(pointer);
  return value.is_string() ? value.get<std::string>() : "";
}
const Json::json_pointer kName("/metadata/name");
const Json::json_pointer kNamespace("/metadata/namespace");
}  // namespace

std::string objectKey(const Json& object) {
  std::string ns = stringAt(object, kNamespace);
  std::string name = stringAt(object, kName);
  return ns.empty() ? name : ns + "/" + name;
}

std::pair<std::string, std::string> splitKey(const std::string& key) {
  auto slash = key.find('/');
  if (slash == std::string::npos) return {"", key};
  return {key.substr(0, slash), key.substr(slash + 1)};
}

Json trimObject(Json object) {
  auto metadata = object.find("metadata");
  if (metadata == object.end() || !metadata->is_object()) return object;
  metadata->erase("managedFields");
  auto annotations = metadata->find("annotations");
  if (annotations != metadata->end() && annotations->is_object()) {
    annotations->erase("kubectl.kubernetes.io/last-applied-configuration");
    if (annotations->empty()) metadata->erase("annotations");
  }
  return object;
}

std::optional<uint64_t> parseResourceVersion(const std::string& rv) {
  uint64_t value = 0;
  auto [end, error] = std::from_chars(rv.data(), rv.data() + rv.size(), value);
  if (rv.empty() || error != std::errc() || end != rv.data() + rv.size()) return std::nullopt;
  return value;
}

bool resourceVersionAtLeast(const std::string& have, const std::string& want) {
  auto h = parseResourceVersion(have);
  auto w = parseResourceVersion(want);
  if (!h || !w) return true;
  return *h >= *w;
}

IndexFunc labelIndex(const std::string& label) {
  return [label](const Json& object) -> std::vector<std::string> {
    std::string value = stringAt(object, Json::json_pointer("/metadata/labels") / label);
    if (value.empty()) return {};
    return {stringAt(object, kNamespace) + "/" + value};
  };
}

IndexFunc controllerOwnerIndex(const std::string& ownerKind) {
  return [ownerKind](const Json& object) -> std::vector<std::string> {
    const Json::json_pointer owners("/metadata/ownerReferences");
    if (!object.contains(owners) || !object.at(owners).is_array()) return {};
    for (const auto& ref : object.at(owners)) {
      if (ref.value("controller", false) && ref.value("kind", "") == ownerKind) {
        return {stringAt(object, kNamespace) + "/" + ref.value("name", "")};
      }
    }
    return {};
  };
}

void ObjectStore::addIndex(const std::string& name, IndexFunc func) {
  std::unique_lock lock(mutex_);
  indexFuncs_[name] = std::move(func);
  auto& index = indexes_[name];
  for (const auto& [key, object] : objects_) {
    for (const auto& value : indexFuncs_[name](*object)) index[value].insert(key);
  }
}

void ObjectStore::indexLocked(const std::string& key, const ObjectPtr& object, bool add) {
  if (!object) return;
  for (const auto& [name, func] : indexFuncs_) {
    auto& index = indexes_[name];
    for (const auto& value : func(*object)) {
      if (add) {
        index[value].insert(key);
        continue;
      }
      auto it = index.find(value);
      if (it == index.end()) continue;
      it->second.erase(key);
      if (it->second.empty()) index.erase(it);
    }
  }
}

ObjectPtr ObjectStore::get(const std::string& key) const {
  std::shared_lock lock(mutex_);
  auto it = objects_.find(key);
  return it == objects_.end() ? nullptr : it->second;
}

std::vector<ObjectPtr> ObjectStore::list() const {
  std::shared_lock lock(mutex_);
  std::vector<ObjectPtr> out;
  out.reserve(objects_.size());
  for (const auto& [key, object] : objects_) out.push_back(object);
  return out;
}

std::vector<std::string> ObjectStore::keys() const {
  std::shared_lock lock(mutex_);
  std::vector<std::string> out;
  out.reserve(objects_.size());
  for (const auto& [key, object] : objects_) out.push_back(key);
  return out;
}

size_t ObjectStore::size() const {
  std::shared_lock lock(mutex_);
  return objects_.size();
}

std::vector<ObjectPtr> ObjectStore::byIndex(const std::string& name, const std::string& value) const {
  std::shared_lock lock(mutex_);
  std::vector<ObjectPtr> out;
  auto index = indexes_.find(name);
  if (index == indexes_.end()) return out;
  auto keys = index->second.find(value);
  if (keys == index->second.end()) return out;
  for (const auto& key : keys->second) out.push_back(objects_.at(key));
  return out;
}

ObjectPtr ObjectStore::upsert(ObjectPtr object) {
  std::string key = objectKey(*object);
  std::unique_lock lock(mutex_);
  ObjectPtr& slot = objects_[key];
  ObjectPtr previous = slot;
  indexLocked(key, previous, false);
  slot = std::move(object);
  indexLocked(key, slot, true);
  return previous;
}

ObjectPtr ObjectStore::remove(const std::string& key) {
  std::unique_lock lock(mutex_);
  auto it = objects_.find(key);
  if (it == objects_.end()) return nullptr;
  ObjectPtr previous = it->second;
  indexLocked(key, previous, false);
  objects_.erase(it);
  return previous;
}

std::map<std::string, ObjectPtr> ObjectStore::replace(std::vector<ObjectPtr> objects) {
  std::map<std::string, ObjectPtr> fresh;
  for (auto& object : objects) {
    std::string key = objectKey(*object);
    fresh[key] = std::move(object);
  }
  std::unique_lock lock(mutex_);
  std::map<std::string, ObjectPtr> previous = std::move(objects_);
  objects_ = std::move(fresh);
  for (auto& [name, index] : indexes_) index.clear();
  for (const auto& [key, object] : objects_) indexLocked(key, object, true);
  return previous;
}

}  // namespace aviary::runtime
