#pragma once
// Runs a program to completion with a deadline, reading its standard output; thread-safe.
// Plain posix_spawn + poll + waitpid(pid): no SIGCHLD handler, so children started at the same time
// from several threads (the measurement pool's workers) never wait on each other's signals.

#include <cstddef>
#include <string>
#include <vector>

#include "aviary/common/clock.h"
#include "aviary/common/result.h"

namespace aviary::analysis {

struct ChildOutcome {
  std::string output;  // standard output, whole
  int exitCode = 0;    // 128 + the signal when a signal ended it (the shell's convention)
};

// argv[0] is searched on PATH when it has no '/'. Standard input and error are /dev/null. The child
// runs in its own process group, killed whole at the deadline (Timeout) or when it writes more than
// maxOutput bytes (BadRequest); a program that cannot start is Unavailable.
Result<ChildOutcome> runChild(const std::vector<std::string>& argv, Duration timeout, size_t maxOutput);

}  // namespace aviary::analysis
