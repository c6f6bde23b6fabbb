// libFuzzer entry: a webhook gate's answer and its jsonPath (split at the first NUL byte; without one
// the path is "$") through selectMetric: garbage must be an Error, never a crash or an exception.

#include <cstddef>
#include <cstdint>
#include <string>

#include "analysis/json_number.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const auto split = input.find('\0');
  const std::string path = split == std::string::npos ? "$" : input.substr(0, split);
  const std::string body = split == std::string::npos ? input : input.substr(split + 1);
  (void)aviary::analysis::selectMetric(body, path);
  return 0;
}
