#include <ostream>

#include "cli/commands.h"

namespace aviary::cli {

int versionCommand(const Invocation& call) {
  call.out << "aviary " << AVIARY_VERSION << "\n";
  return kExitOk;
}

}  // namespace aviary::cli
