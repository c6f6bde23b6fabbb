#include "aviary/analysis/gate_credentials.h"

namespace aviary::analysis {

Result<std::map<std::string, std::string>> gateCredentials(const api::Gate& gate, const SecretLookup& lookup) {
  std::map<std::string, std::string> credentials;
  if (!gate.prometheus) return credentials;
  const auto& prometheus = *gate.prometheus;
  auto take = [&](const std::string& as, const std::string& secret, const std::string& key) -> Status {
    auto value = lookup(secret, key);
    if (!value.ok()) return makeError(value.error().code, "gate " + gate.name + " credentials: " + value.error().message);
    credentials[as] = *value;
    return okStatus();
  };
  if (prometheus.bearerTokenSecret) {
    Status taken = take("token", prometheus.bearerTokenSecret->name, prometheus.bearerTokenSecret->key);
    if (!taken.ok()) return taken.error();
  }
  if (prometheus.basicAuthSecret) {
    for (const char* key : {"username", "password"}) {
      Status taken = take(key, *prometheus.basicAuthSecret, key);
      if (!taken.ok()) return taken.error();
    }
  }
  return credentials;
}

}  // namespace aviary::analysis
