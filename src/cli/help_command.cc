#include <iomanip>
#include <ostream>
#include <string>

#include "cli/commands.h"

namespace aviary::cli {

int helpCommand(const Invocation& call) {
  call.out << "usage: " << call.program << " COMMAND [ARGS...]\n\ncommands:\n";
  for (const auto& command : commands()) {
    const std::string synopsis = std::string(command.name) + (*command.usage ? " " : "") + command.usage;
    // Long synopses get the summary on the next line, so the summaries stay in one column.
    if (synopsis.size() >= 24) {
      call.out << "  " << synopsis << "\n  " << std::string(24, ' ') << command.summary << "\n";
    } else {
      call.out << "  " << std::left << std::setw(24) << synopsis << command.summary << "\n";
    }
  }
  return kExitOk;
}

}  // namespace aviary::cli
