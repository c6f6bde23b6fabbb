// libFuzzer entry: any bytes as an MLflow answer through parseModelVersion and mlflowError (the first
// byte picks the status): wrong JSON shapes must be errors or defaults, never exceptions.

#include <cstddef>
#include <cstdint>
#include <string>

#include "registry/mlflow/mlflow_response.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
  (void)aviary::registry::parseModelVersion(body, "model", "1");
  (void)aviary::registry::mlflowError(400 + data[0] % 200, body);
  return 0;
}
