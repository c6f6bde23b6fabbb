#pragma once
// Which credentials a gate's provider query carries, from the Secrets its spec names: a Prometheus or
// webhook provider's bearerTokenSecret{name,key} becomes "token", a Prometheus basicAuthSecret's
// username/password keys become "username"/"password" (the keys QueryContext::secrets is read with).

#include <functional>
#include <map>
#include <string>

#include "aviary/api/model_release.h"
#include "aviary/common/result.h"

namespace aviary::analysis {

// One value of a Secret in the release's namespace (name, key) → value.
using SecretLookup = std::function<Result<std::string>(const std::string& name, const std::string& key)>;

// Empty for a gate that names no Secret. A Secret or key that cannot be read is an error: the gate then
// measures Error (never passes) instead of querying without the credentials it was configured with.
Result<std::map<std::string, std::string>> gateCredentials(const api::Gate& gate, const SecretLookup& lookup);

// text with every credential value, as read and URL-encoded (as a basic-auth URL carries it), replaced
// by "[redacted]". A provider's error may quote what the endpoint echoed or the URL it called, and that
// error becomes status.gates[].measurements[].detail, an Event and a log line.
std::string withoutCredentials(const std::string& text, const std::map<std::string, std::string>& credentials);

}  // namespace aviary::analysis
