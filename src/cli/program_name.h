#pragma once
// The binary is installed twice: as `aviary` and as the kubectl plugin `kubectl-aviary` (kubectl runs
// `kubectl aviary ARGS` as `kubectl-aviary ARGS`). Both run the same commands; messages and usage
// lines name the program the way the user typed it.

#include <string>

namespace aviary::cli {

// "kubectl aviary" when argv[0]'s file name is kubectl-aviary, else "aviary".
std::string programName(const std::string& argv0);

}  // namespace aviary::cli
