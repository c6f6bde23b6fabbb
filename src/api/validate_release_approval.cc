#include "api/findings.h"
#include "aviary/api/validate.h"

namespace aviary::api {

FieldErrors validate(const ReleaseApproval& approval) {
  FieldErrors errors;
  detail::Findings findings(errors);
  // Empty is fine: `aviary approve` creates approvals with metadata.generateName.
  if (!approval.metadata.name.empty()) findings.dnsSubdomain("metadata.name", approval.metadata.name);
  const ReleaseApprovalSpec& spec = approval.spec;
  findings.dnsLabel("spec.release", spec.release);  // a ModelRelease name
  if (spec.decision != "approve" && spec.decision != "reject") {
    findings.add("spec.decision", "must be one of approve, reject; got \"" + spec.decision + "\"");
  }
  findings.nonEmpty("spec.approvedBy", spec.approvedBy);
  if (spec.revision) findings.atLeast("spec.revision", *spec.revision, 1);
  if (spec.step) findings.atLeast("spec.step", *spec.step, 0);
  return errors;
}

}  // namespace aviary::api
