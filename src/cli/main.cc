// aviary: the operator and the command line around it. Dispatches to a subcommand (commands.h).

#include <iostream>

#include "cli/commands.h"

int main(int argc, char** argv) {
  using namespace aviary::cli;
  if (argc < 2) {
    helpCommand({{}, std::cerr, std::cerr});
    return kExitUsage;
  }
  const std::string name = argv[1];
  const Command* command = findCommand(name == "--help" || name == "-h" ? "help" : name == "--version" ? "version" : name);
  if (!command) {
    std::cerr << "aviary: unknown command \"" << name << "\" (see `aviary help`)\n";
    return kExitUsage;
  }
  Invocation call{{argv + 2, argv + argc}, std::cout, std::cerr};
  return command->run(call);
}
