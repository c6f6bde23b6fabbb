#include "workload/object_diff.h"

#include "aviary/workload/objects.h"
#include "workload/ownership.h"

namespace aviary::workload {
namespace {

const Json& field(const Json& object, const char* a, const char* b = nullptr) {
  static const Json kNull;
  if (!object.is_object() || !object.contains(a)) return kNull;
  const Json& first = object[a];
  if (b == nullptr) return first;
  return first.is_object() && first.contains(b) ? first[b] : kNull;
}

// True when every key of subset is in superset with the same value.
bool containsAll(const Json& superset, const Json& subset) {
  if (!subset.is_object()) return true;
  if (!superset.is_object()) return subset.empty();
  for (const auto& [key, value] : subset.items()) {
    if (!superset.contains(key) || superset[key] != value) return false;
  }
  return true;
}

bool hasOwnerReference(const Json& live, const Json& ours) {
  for (const auto& ref : field(live, "metadata", "ownerReferences")) {
    if (ref.value("uid", "") == ours.value("uid", "") && ref.value("controller", false)) return true;
  }
  return false;
}

// A patch holding the labels, annotations and owner reference desired adds to live's metadata (none
// when all are present): every object's patch starts from it.
Json metadataPatch(const Json& live, const Json& desired) {
  Json metadata = Json::object();
  for (const char* map : {"labels", "annotations"}) {
    const Json& want = field(desired, "metadata", map);
    if (!containsAll(field(live, "metadata", map), want)) metadata[map] = want;
  }
  const Json& ours = field(desired, "metadata", "ownerReferences")[0];
  if (!hasOwnerReference(live, ours)) metadata["ownerReferences"] = withOwnerReference(live, ours);
  return metadata.empty() ? Json::object() : Json{{"metadata", std::move(metadata)}};
}

std::optional<Json> nonEmpty(Json patch) {
  if (patch.empty()) return std::nullopt;
  return patch;
}

// A port as aviary compares it: the server adds nothing to these four once they are set.
bool samePorts(const Json& live, const Json& desired) {
  if (!live.is_array() || live.size() != desired.size()) return false;
  for (std::size_t i = 0; i < desired.size(); ++i) {
    if (!containsAll(live[i], desired[i])) return false;
  }
  return true;
}

}  // namespace

Json createMergePatch(const Json& from, const Json& to) {
  if (!from.is_object() || !to.is_object()) return to;
  Json patch = Json::object();
  for (const auto& [key, value] : from.items()) {
    if (!to.contains(key)) patch[key] = nullptr;
  }
  for (const auto& [key, value] : to.items()) {
    if (!from.contains(key)) {
      patch[key] = value;
    } else if (from[key] != value) {
      patch[key] = createMergePatch(from[key], value);
    }
  }
  return patch;
}

std::optional<Json> deploymentPatch(const Json& live, const Json& desired) {
  Json patch = metadataPatch(live, desired);

  const Json& replicas = field(desired, "spec", "replicas");
  if (field(live, "spec", "replicas") != replicas) patch["spec"]["replicas"] = replicas;

  const Json& liveHash = field(live, "metadata", "annotations");
  const Json& desiredHash = field(desired, "metadata", "annotations");
  if (!containsAll(liveHash, desiredHash)) {
    Json templatePatch = createMergePatch(field(live, "spec", "template"), field(desired, "spec", "template"));
    Json& annotations = templatePatch["metadata"]["annotations"];
    if (annotations.is_object()) {
      for (auto it = annotations.begin(); it != annotations.end();) {
        it = it->is_null() ? annotations.erase(it) : std::next(it);
      }
    }
    if (annotations.empty()) templatePatch["metadata"].erase("annotations");
    if (templatePatch["metadata"].empty()) templatePatch.erase("metadata");
    if (!templatePatch.empty()) patch["spec"]["template"] = std::move(templatePatch);
  }
  return nonEmpty(std::move(patch));
}

std::optional<Json> servicePatch(const Json& live, const Json& desired) {
  Json patch = metadataPatch(live, desired);

  const Json& selector = field(desired, "spec", "selector");
  if (field(live, "spec", "selector") != selector) {
    patch["spec"]["selector"] = createMergePatch(field(live, "spec", "selector"), selector);
  }
  const Json& ports = field(desired, "spec", "ports");
  if (!samePorts(field(live, "spec", "ports"), ports)) patch["spec"]["ports"] = ports;

  return nonEmpty(std::move(patch));
}

}  // namespace aviary::workload
