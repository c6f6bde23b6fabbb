#include <iomanip>
#include <ostream>

#include "cli/commands.h"

namespace aviary::cli {

int helpCommand(const Invocation& call) {
  call.out << "usage: aviary COMMAND [ARGS...]\n\ncommands:\n";
  for (const auto& command : commands()) {
    const std::string synopsis = std::string(command.name) + (*command.usage ? " " : "") + command.usage;
    call.out << "  " << std::left << std::setw(24) << synopsis << command.summary << "\n";
  }
  return kExitOk;
}

}  // namespace aviary::cli
