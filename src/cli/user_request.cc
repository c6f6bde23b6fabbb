#include "cli/user_request.h"

#include <chrono>
#include <cstdio>
#include <random>

#include "aviary/api/model_release.h"

namespace aviary::cli {

std::string newRequestId() {
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  std::random_device entropy;
  char suffix[9];
  std::snprintf(suffix, sizeof suffix, "%08x", static_cast<unsigned>(entropy()));
  return "cli-" + std::to_string(millis) + "-" + suffix;
}

nlohmann::json versionPatch(const std::string& version) {
  return {{"spec", {{"model", {{"version", version}}}}}};
}

}  // namespace aviary::cli
