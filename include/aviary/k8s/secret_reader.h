#pragma once
// One value of a Secret, read from the API server on demand. Secrets never enter the informer caches:
// the operator reads the few it is pointed at (registry and metric-provider credentials) when it needs them.

#include <string>

#include "aviary/common/result.h"
#include "aviary/k8s/client.h"

namespace aviary::k8s {

// data[key] of Secret ns/name, base64-decoded. NotFound names the Secret (and the key when only the
// key is missing); other API errors pass through. The value itself never appears in an error.
Result<std::string> readSecretValue(Client& client, const std::string& ns, const std::string& name,
                                    const std::string& key);

}  // namespace aviary::k8s
