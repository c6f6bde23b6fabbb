#pragma once
// Redaction: what the logger applies to the message and every field value of every line, so a
// secret passed by mistake (an error text quoting a URL with credentials, a token field) never
// reaches the output:
//  - a field whose name ends in password, passwd, secret, token, authorization, apikey, credentials,
//    cookie or webhookurl (case, '-', '_' and '.' ignored) has its whole value replaced;
//  - in any string, the user:password@ of a URL, the value of a query parameter named like a secret
//    (or key, sig, signature, auth) and a credential after "Bearer " / "Basic " are replaced.
// A webhook URL whose path is the secret (Slack's) cannot be recognised: never log one (the notifier
// logs the notification's name instead). Pure functions; thread-safe.

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace aviary::runtime {

inline constexpr const char* kRedacted = "[redacted]";

// True when a field (or query parameter) of that name holds a secret.
bool isSecretFieldName(std::string_view name);
// text with every credential the rules above recognise replaced by kRedacted.
std::string redactSecrets(std::string_view text);
// Redacts value in place: strings by redactSecrets, members with a secret name entirely, recursively.
void redactSecrets(nlohmann::ordered_json& value);

}  // namespace aviary::runtime
