#include "aviary/approval/approval_object.h"

namespace aviary::approval {

api::ReleaseApproval approvalFor(const api::ModelRelease& release, const Identity& who, const std::string& decision,
                                 const std::string& comment) {
  api::ReleaseApproval approval;
  approval.metadata.namespace_ = release.metadata.namespace_;
  approval.spec.release = release.metadata.name;
  approval.spec.decision = decision;
  approval.spec.approvedBy = who.username;
  approval.spec.groups = who.groups;
  approval.spec.comment = comment;
  approval.spec.revision = release.metadata.generation;
  approval.spec.step = release.status.currentStepIndex;
  return approval;
}

nlohmann::json approvalObject(const api::ReleaseApproval& approval) {
  const auto& spec = approval.spec;
  nlohmann::json object = {
      {"apiVersion", api::kApiVersion},
      {"kind", "ReleaseApproval"},
      {"metadata", {{"generateName", spec.release + "-" + spec.decision + "-"}}},
      {"spec", {{"release", spec.release}, {"decision", spec.decision}, {"approvedBy", spec.approvedBy}}},
  };
  if (!approval.metadata.namespace_.empty()) object["metadata"]["namespace"] = approval.metadata.namespace_;
  if (!spec.groups.empty()) object["spec"]["groups"] = spec.groups;
  if (!spec.comment.empty()) object["spec"]["comment"] = spec.comment;
  if (spec.revision) object["spec"]["revision"] = *spec.revision;
  if (spec.step) object["spec"]["step"] = *spec.step;
  return object;
}

}  // namespace aviary::approval
