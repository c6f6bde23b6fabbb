#include "aviary/k8s/secret_reader.h"

#include "k8s/local_file.h"

namespace aviary::k8s {

Result<std::string> readSecretValue(Client& client, const std::string& ns, const std::string& name,
                                    const std::string& key) {
  const std::string which = "secret " + ns + "/" + name;
  auto secret = client.get(resources::kSecrets, ns, name);
  if (!secret.ok()) {
    if (secret.error().code == ErrorCode::NotFound) return makeError(ErrorCode::NotFound, which + " not found");
    return makeError(secret.error().code, "reading " + which + ": " + secret.error().message);
  }
  const Json& data = secret->value("data", Json::object());
  auto value = data.find(key);
  if (value == data.end() || !value->is_string()) {
    return makeError(ErrorCode::NotFound, which + " has no key \"" + key + "\"");
  }
  auto decoded = decodeBase64(value->get<std::string>());
  if (!decoded.ok()) return makeError(ErrorCode::InvalidSpec, which + " key \"" + key + "\": " + decoded.error().message);
  return decoded;
}

}  // namespace aviary::k8s
