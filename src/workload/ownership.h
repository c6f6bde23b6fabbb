#pragma once
// Who controls a live object, and the labels every owned object carries.

#include <string>

#include <nlohmann/json.hpp>

#include "aviary/common/result.h"

namespace aviary::workload {

using Json = nlohmann::json;

// Ok when live has no controller ownerReference or its controller is the release with ownerUid;
// AlreadyExists naming the other controller otherwise. An empty ownerUid accepts any aviary
// ModelRelease of the same name (callers that only know the name).
Status checkControlledBy(const Json& live, const std::string& releaseName, const std::string& ownerUid);

// live's ownerReferences with ours added (or replacing a stale one for the same release name): the
// value to patch in so other owners stay.
Json withOwnerReference(const Json& live, const Json& ours);

// {aviary.dev/release: <release>} and, when version is not empty, {aviary.dev/model-version: <version>},
// as label values.
Json releaseLabels(const std::string& release, const std::string& version = "");

// "Deployment ml/fraud-scorer-7", for messages.
std::string describeObject(const std::string& kind, const std::string& ns, const std::string& name);

}  // namespace aviary::workload
