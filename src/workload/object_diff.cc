#include "workload/object_diff.h"

#include <cmath>
#include <cstdlib>
#include <string_view>

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

// A Kubernetes quantity ("500m", "0.5", "1Gi", 2) as a number; nullopt when it is not one. The API
// server rewrites quantities to a canonical form ("0.5" -> "500m"), so they are compared by value.
std::optional<long double> quantityValue(const Json& value) {
  if (value.is_number()) return value.get<long double>();
  if (!value.is_string()) return std::nullopt;
  const std::string& text = value.get_ref<const std::string&>();
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const long double number = std::strtold(text.c_str(), &end);
  if (end == text.c_str()) return std::nullopt;
  static const std::pair<std::string_view, long double> kSuffixes[] = {
      {"", 1},          {"m", 1e-3},           {"k", 1e3},           {"M", 1e6},          {"G", 1e9},
      {"T", 1e12},      {"P", 1e15},           {"E", 1e18},          {"Ki", 1024.0L},     {"Mi", 1048576.0L},
      {"Gi", 1073741824.0L}, {"Ti", 1099511627776.0L}, {"Pi", 1125899906842624.0L}, {"Ei", 1152921504606846976.0L}};
  const std::string_view suffix(end);
  for (const auto& [name, factor] : kSuffixes) {
    if (suffix == name) return number * factor;
  }
  return std::nullopt;
}

bool sameQuantity(const Json& live, const Json& desired) {
  auto a = quantityValue(live), b = quantityValue(desired);
  return a && b && std::fabs(*a - *b) <= 1e-9L * std::max(std::fabs(*a), std::fabs(*b));
}

// What the API server drops on output (omitempty): an absent field equals an empty desired one.
bool isEmptyValue(const Json& value) {
  return value.is_null() || (value.is_string() && value.get_ref<const std::string&>().empty()) ||
         (value.is_array() && value.empty()) || (value.is_object() && value.empty()) ||
         (value.is_boolean() && !value.get<bool>()) || (value.is_number() && value == 0);
}

// Whether live still has every field desired sets, with the same value. Fields only live has (server
// defaults such as imagePullPolicy or protocol, other tools' additions) are not drift; arrays must
// have desired's length. Under resources' limits/requests values are compared as quantities.
bool carries(const Json& live, const Json& desired, bool quantities = false) {
  if (desired.is_object()) {
    if (!live.is_object()) return desired.empty();
    for (const auto& [key, value] : desired.items()) {
      auto it = live.find(key);
      if (it == live.end()) {
        if (!isEmptyValue(value)) return false;
        continue;
      }
      const bool holdsQuantities = key == "limits" || key == "requests";
      if (!carries(*it, value, holdsQuantities || (quantities && !value.is_object()))) return false;
    }
    return true;
  }
  if (desired.is_array()) {
    if (!live.is_array() || live.size() != desired.size()) return live.is_null() && desired.empty();
    for (std::size_t i = 0; i < desired.size(); ++i) {
      if (!carries(live[i], desired[i])) return false;
    }
    return true;
  }
  if (live == desired) return true;
  return quantities && sameQuantity(live, desired);
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

  // The hash says the spec changed; carries() that someone edited the pod template by hand.
  const Json& liveHash = field(live, "metadata", "annotations");
  const Json& desiredHash = field(desired, "metadata", "annotations");
  if (!containsAll(liveHash, desiredHash) || !carries(field(live, "spec", "template"), field(desired, "spec", "template"))) {
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

bool deploymentMatches(const Json& live, const Json& desired) { return !deploymentPatch(live, desired); }

bool serviceMatches(const Json& live, const Json& desired) { return !servicePatch(live, desired); }

}  // namespace aviary::workload
