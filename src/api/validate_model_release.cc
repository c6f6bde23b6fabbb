#include "api/validate_parts.h"
#include "aviary/api/validate.h"

namespace aviary::api {

namespace {

// The pod template is kept as raw JSON; check only what every model server needs.
void validateTemplate(const nlohmann::json& podTemplate, detail::Findings& findings) {
  if (!podTemplate.is_object() || podTemplate.empty()) return;  // decoding reported it
  const auto spec = podTemplate.find("spec");
  if (spec == podTemplate.end() || !spec->is_object()) {
    return findings.add("spec.template.spec", "required field is missing (a PodSpec with containers)");
  }
  const auto containers = spec->find("containers");
  if (containers == spec->end() || !containers->is_array() || containers->empty()) {
    findings.add("spec.template.spec.containers", "must list at least one container");
  }
}

}  // namespace

FieldErrors validate(const ModelRelease& release) {
  FieldErrors errors;
  detail::Findings findings(errors);
  // The name becomes part of Deployment and Service names and of a label value: a DNS-1123 label.
  findings.dnsLabel("metadata.name", release.metadata.name);
  if (!release.metadata.namespace_.empty()) findings.dnsLabel("metadata.namespace", release.metadata.namespace_);

  const ModelReleaseSpec& spec = release.spec;
  findings.nonEmpty("spec.model.name", spec.model.name);
  findings.labelValue("spec.model.version", spec.model.version);
  if (spec.registry.mlflow) {
    findings.httpUrl("spec.registry.mlflow.url", spec.registry.mlflow->url);
    if (!spec.registry.mlflow->credentialsSecret.empty()) {
      findings.dnsSubdomain("spec.registry.mlflow.credentialsSecret", spec.registry.mlflow->credentialsSecret);
    }
  } else if (spec.registry.required) {
    findings.add("spec.registry.required", "needs a registry (spec.registry.mlflow)");
  }
  findings.atLeast("spec.replicas", spec.replicas, 0);
  validateTemplate(spec.template_, findings);
  findings.range("spec.service.port", spec.service.port, 1, 65535);
  if (spec.service.targetPort) findings.range("spec.service.targetPort", *spec.service.targetPort, 1, 65535);
  findings.atLeast("spec.progressDeadlineSeconds", spec.progressDeadlineSeconds, 1);
  detail::validateStrategy(spec, findings);
  detail::validateAnalysis(spec.analysis, findings);
  detail::validateNotifications(spec.notifications, findings);
  return errors;
}

}  // namespace aviary::api
