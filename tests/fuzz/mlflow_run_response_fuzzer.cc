// libFuzzer entry: any bytes as an answer of MLflow's tracking API through the run client's parsers
// (MlflowRuns: experiments, runs/search, runs/create|get, metrics/get-history): wrong JSON shapes
// must be errors or defaults, never exceptions.

#include <cstddef>
#include <cstdint>
#include <string>

#include "registry/mlflow/mlflow_response.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  (void)aviary::registry::parseExperimentId(body, "experiments/get-by-name");
  (void)aviary::registry::parseRunSearch(body);
  (void)aviary::registry::parseRun(body, "runs/get");
  (void)aviary::registry::parseMetricHistory(body, "gate/error-rate/value");
  return 0;
}
