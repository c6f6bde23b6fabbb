#include "workload/ownership.h"

#include "aviary/api/model_release.h"
#include "aviary/workload/names.h"

namespace aviary::workload {
namespace {

bool isOurKind(const Json& ref) {
  return ref.value("apiVersion", "") == api::kApiVersion && ref.value("kind", "") == "ModelRelease";
}

}  // namespace

Status checkControlledBy(const Json& live, const std::string& releaseName, const std::string& ownerUid) {
  const Json refs = live["metadata"].value("ownerReferences", Json::array());
  for (const auto& ref : refs) {
    if (!ref.value("controller", false)) continue;
    const bool ours = isOurKind(ref) && ref.value("name", "") == releaseName &&
                      (ownerUid.empty() || ref.value("uid", "") == ownerUid);
    if (ours) return okStatus();
    const auto& meta = live["metadata"];
    return makeError(ErrorCode::AlreadyExists,
                     describeObject(live.value("kind", "object"), meta.value("namespace", ""), meta.value("name", "")) +
                         " is controlled by " + ref.value("kind", "?") + " " + ref.value("name", "?") +
                         ", not by ModelRelease " + releaseName);
  }
  return okStatus();
}

Json withOwnerReference(const Json& live, const Json& ours) {
  Json refs = Json::array();
  for (const auto& ref : live["metadata"].value("ownerReferences", Json::array())) {
    if (isOurKind(ref) && ref.value("name", "") == ours.value("name", "")) continue;
    refs.push_back(ref);
  }
  refs.push_back(ours);
  return refs;
}

Json releaseLabels(const std::string& release, const std::string& version) {
  Json labels = {{api::kReleaseLabel, labelValue(release)}};
  if (!version.empty()) labels[api::kVersionLabel] = labelValue(version);
  return labels;
}

std::string describeObject(const std::string& kind, const std::string& ns, const std::string& name) {
  return kind + " " + ns + "/" + name;
}

}  // namespace aviary::workload
