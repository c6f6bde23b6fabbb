// aviary: the operator and the command line around it. Dispatches to a subcommand (commands.h).
// Installed also as the kubectl plugin kubectl-aviary (program_name.h).

#include <iostream>

#include "cli/commands.h"
#include "cli/program_name.h"

int main(int argc, char** argv) {
  using namespace aviary::cli;
  const std::string program = programName(argc > 0 ? argv[0] : "aviary");
  if (argc < 2) {
    helpCommand({{}, std::cerr, std::cerr, program});
    return kExitUsage;
  }
  const std::string name = argv[1];
  const Command* command = findCommand(name == "--help" || name == "-h" ? "help" : name == "--version" ? "version" : name);
  if (!command) {
    std::cerr << program << ": unknown command \"" << name << "\" (see `" << program << " help`)\n";
    return kExitUsage;
  }
  Invocation call{{argv + 2, argv + argc}, std::cout, std::cerr, program};
  return command->run(call);
}
