#pragma once
// MLflow REST answers → aviary types. Pure functions over the answer's status and text, so every
// malformed answer is tested (and fuzzed: tests/fuzz/mlflow_response_fuzzer.cc for the registry's,
// tests/fuzz/mlflow_run_response_fuzzer.cc for the run client's) without a server.
// Wrong JSON shapes (a number where an object belongs, a tag that is a string) are errors or ignored,
// never exceptions.

#include <optional>
#include <string>
#include <vector>

#include "aviary/common/result.h"
#include "aviary/registry/model_registry.h"
#include "aviary/registry/run_tracker.h"

namespace aviary::registry {

// A non-2xx answer ({"error_code","message"} or anything): RESOURCE_DOES_NOT_EXIST/404 → NotFound,
// INVALID_PARAMETER_VALUE/400 → InvalidSpec, 401 → Unauthorized, 403 → Forbidden, else Unavailable.
Error mlflowError(long status, const std::string& body);

// The body of model-versions/get. Fields absent or of the wrong type take the defaults (the asked-for
// name and version, READY). Errors: Unavailable when there is no model_version object.
Result<ModelVersionInfo> parseModelVersion(const std::string& body, const std::string& model,
                                           const std::string& version);

// The run client's answers (MlflowRuns, the tracking API). Errors are Unavailable, naming the call.
//
// experiments/get-by-name: experiment.experiment_id. experiments/create: experiment_id.
Result<std::string> parseExperimentId(const std::string& body, const std::string& call);
// runs/search: the first run (nullopt when "runs" is absent or empty, as MLflow answers no match).
Result<std::optional<RunInfo>> parseRunSearch(const std::string& body);
// runs/create, runs/get: {"run": {...}} with at least info.run_id. Tags and params that are not
// {"key": string, "value": string} are left out.
Result<RunInfo> parseRun(const std::string& body, const std::string& call);
// metrics/get-history: the points; one without a numeric value is left out, a missing timestamp or
// step is 0, a missing key is `key`. Integers may come as numbers or numeric strings.
Result<std::vector<MetricPoint>> parseMetricHistory(const std::string& body, const std::string& key);

}  // namespace aviary::registry
