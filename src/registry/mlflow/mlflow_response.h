#pragma once
// MLflow REST answers → aviary types. Pure functions over the answer's status and text, so every
// malformed answer is tested (and fuzzed: tests/fuzz/mlflow_response_fuzzer.cc) without a server.
// Wrong JSON shapes (a number where an object belongs, a tag that is a string) are errors or ignored,
// never exceptions.

#include <string>

#include "aviary/common/result.h"
#include "aviary/registry/model_registry.h"

namespace aviary::registry {

// A non-2xx answer ({"error_code","message"} or anything): RESOURCE_DOES_NOT_EXIST/404 → NotFound,
// INVALID_PARAMETER_VALUE/400 → InvalidSpec, 401 → Unauthorized, 403 → Forbidden, else Unavailable.
Error mlflowError(long status, const std::string& body);

// The body of model-versions/get. Fields absent or of the wrong type take the defaults (the asked-for
// name and version, READY). Errors: Unavailable when there is no model_version object.
Result<ModelVersionInfo> parseModelVersion(const std::string& body, const std::string& model,
                                           const std::string& version);

}  // namespace aviary::registry
