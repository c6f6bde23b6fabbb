#pragma once
// The informer's cache: objects keyed "namespace/name" (or "name" when cluster-scoped), held as
// immutable trimmed snapshots (shared_ptr<const Json>): readers keep a snapshot as long as they like
// while the informer swaps in newer ones. Secondary indexes map a value computed from each object
// (a label, the controlling owner) to the keys having it, so the controller can find the
// ModelRelease a Deployment event belongs to without scanning.
// Thread-safety: all methods may be called concurrently; addIndex only before the first write.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

namespace aviary::runtime {

using Json = nlohmann::json;
using ObjectPtr = std::shared_ptr<const Json>;

// "namespace/name", or "name" for cluster-scoped objects.
std::string objectKey(const Json& object);
// Splits a key; namespace empty for cluster-scoped keys.
std::pair<std::string, std::string> splitKey(const std::string& key);

// The object without what aviary never reads and what costs the most memory: metadata.managedFields
// and the kubectl.kubernetes.io/last-applied-configuration annotation (a second copy of the spec).
Json trimObject(Json object);

// Kubernetes resourceVersions are opaque strings, but etcd's are integers, and comparing them is the
// only way to tell whether a cache has seen a given write. nullopt when not an unsigned integer.
std::optional<uint64_t> parseResourceVersion(const std::string& rv);
// have ≥ want as integers; true when either does not parse (no basis to call the cache stale).
bool resourceVersionAtLeast(const std::string& have, const std::string& want);

// Computes the index values of an object (none: not indexed).
using IndexFunc = std::function<std::vector<std::string>(const Json& object)>;
// "<namespace>/<label value>" for objects carrying the label: labelIndex("aviary.dev/release") maps
// a Deployment to the key of its ModelRelease.
IndexFunc labelIndex(const std::string& label);
// "<namespace>/<owner name>" of the controlling ownerReference of the given kind.
IndexFunc controllerOwnerIndex(const std::string& ownerKind);

class ObjectStore {
 public:
  void addIndex(const std::string& name, IndexFunc func);

  ObjectPtr get(const std::string& key) const;  // nullptr when absent
  std::vector<ObjectPtr> list() const;
  std::vector<std::string> keys() const;
  size_t size() const;
  // Objects whose index `name` has `value` (empty for an unknown index).
  std::vector<ObjectPtr> byIndex(const std::string& name, const std::string& value) const;

  // Inserts or replaces by objectKey; returns the previous snapshot (nullptr when new).
  ObjectPtr upsert(ObjectPtr object);
  // Returns the removed snapshot (nullptr when absent).
  ObjectPtr remove(const std::string& key);
  // Swaps the whole content (a relist); returns the previous content by key.
  std::map<std::string, ObjectPtr> replace(std::vector<ObjectPtr> objects);

 private:
  void indexLocked(const std::string& key, const ObjectPtr& object, bool add);

  mutable std::shared_mutex mutex_;
  std::map<std::string, ObjectPtr> objects_;
  std::map<std::string, IndexFunc> indexFuncs_;
  // index name → value → keys
  std::map<std::string, std::unordered_map<std::string, std::set<std::string>>> indexes_;
};

}  // namespace aviary::runtime
