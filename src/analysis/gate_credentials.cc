#include "aviary/analysis/gate_credentials.h"

#include <algorithm>
#include <vector>

#include "aviary/common/http_fetch.h"

namespace aviary::analysis {

namespace {

// The Secret key whose value a gate's provider sends as "Authorization: Bearer", if it names one.
const api::SecretKeyRef* bearerTokenSecret(const api::Gate& gate) {
  if (gate.prometheus && gate.prometheus->bearerTokenSecret) return &*gate.prometheus->bearerTokenSecret;
  if (gate.webhook && gate.webhook->bearerTokenSecret) return &*gate.webhook->bearerTokenSecret;
  return nullptr;
}

}  // namespace

Result<std::map<std::string, std::string>> gateCredentials(const api::Gate& gate, const SecretLookup& lookup) {
  std::map<std::string, std::string> credentials;
  auto take = [&](const std::string& as, const std::string& secret, const std::string& key) -> Status {
    auto value = lookup(secret, key);
    if (!value.ok()) return makeError(value.error().code, "gate " + gate.name + " credentials: " + value.error().message);
    credentials[as] = *value;
    return okStatus();
  };
  if (const api::SecretKeyRef* token = bearerTokenSecret(gate)) {
    Status taken = take("token", token->name, token->key);
    if (!taken.ok()) return taken.error();
  }
  if (gate.prometheus && gate.prometheus->basicAuthSecret) {
    for (const char* key : {"username", "password"}) {
      Status taken = take(key, *gate.prometheus->basicAuthSecret, key);
      if (!taken.ok()) return taken.error();
    }
  }
  return credentials;
}

std::string withoutCredentials(const std::string& text, const std::map<std::string, std::string>& credentials) {
  std::vector<std::string> secrets;
  for (const auto& [name, value] : credentials) {
    if (value.empty()) continue;
    secrets.push_back(value);
    secrets.push_back(urlEncode(value));
  }
  // Longest first, so a value that contains another is redacted whole.
  std::sort(secrets.begin(), secrets.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  std::string out;
  for (size_t at = 0; at < text.size();) {
    auto found = std::find_if(secrets.begin(), secrets.end(),
                              [&](const std::string& secret) { return text.compare(at, secret.size(), secret) == 0; });
    if (found == secrets.end()) {
      out += text[at++];
    } else {
      out += "[redacted]";
      at += found->size();
    }
  }
  return out;
}

}  // namespace aviary::analysis
