#include "aviary/notify/payload.h"

namespace aviary::notify {

nlohmann::ordered_json genericPayload(const ReleaseNotification& n) {
  nlohmann::ordered_json body;
  body["release"] = n.release;
  body["namespace"] = n.namespace_;
  body["model"] = n.model;
  body["version"] = n.version;
  body["phase"] = api::phaseName(n.phase);
  body["previousPhase"] = api::phaseName(n.previousPhase);
  body["stableVersion"] = n.stableVersion;
  body["canaryVersion"] = n.canaryVersion;
  body["weight"] = n.weight;
  body["message"] = n.message;
  body["summary"] = n.summary();
  body["severity"] = n.severity() == Severity::Warning ? "warning" : "info";
  body["time"] = formatRfc3339(n.time);
  return body;
}

}  // namespace aviary::notify
