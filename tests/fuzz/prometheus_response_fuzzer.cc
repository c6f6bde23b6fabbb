// libFuzzer entry: any bytes as a Prometheus HTTP API answer (the first byte picks the status) through
// parsePrometheusResponse: garbage must be an Error, never a crash or an exception.

#include <cstddef>
#include <cstdint>
#include <string>

#include "analysis/prometheus/prometheus_response.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const long status = data[0] < 200 ? 200 : (data[0] < 230 ? 400 + data[0] % 30 : 500 + data[0] % 5);
  (void)aviary::analysis::parsePrometheusResponse(status, std::string(reinterpret_cast<const char*>(data) + 1, size - 1));
  return 0;
}
