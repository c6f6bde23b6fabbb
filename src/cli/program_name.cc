#include "cli/program_name.h"

namespace aviary::cli {

std::string programName(const std::string& argv0) {
  const auto slash = argv0.find_last_of('/');
  const std::string base = slash == std::string::npos ? argv0 : argv0.substr(slash + 1);
  return base == "kubectl-aviary" ? "kubectl aviary" : "aviary";
}

}  // namespace aviary::cli
