#pragma once
// Turns a non-2xx API server answer (normally a metav1.Status) into an Error, keeping the server's
// message. Pure, so the mapping table is unit-tested without a server.

#include <map>
#include <string>

#include "aviary/common/result.h"
#include "aviary/k8s/client.h"

namespace aviary::k8s {

// httpStatus and body of the answer; headers (lower-case names) for Retry-After. context prefixes the
// message ("GET /api/v1/...").
Error statusError(long httpStatus, const std::string& body, const std::map<std::string, std::string>& headers,
                  const std::string& context);

// The same for a Status object received inside a watch stream (ERROR event); its `code` is the status.
Error statusObjectError(const Json& status, const std::string& context);

}  // namespace aviary::k8s
