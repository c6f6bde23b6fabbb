#include "cli/commands.h"

namespace aviary::cli {

namespace {

// One line per subcommand, in the order `aviary help` lists them.
constexpr Command kCommands[] = {
    {"lint", "FILE...", "check ModelRelease / ReleaseApproval manifests offline", lintCommand},
    {"operator", "[--kubeconfig PATH] [--namespace NS] [--leader-elect] ...", "run the controller (watch releases, reconcile)", operatorCommand},
    {"version", "", "print the aviary version", versionCommand},
    {"help", "", "list the subcommands", helpCommand},
};

}  // namespace

std::span<const Command> commands() { return kCommands; }

const Command* findCommand(const std::string& name) {
  for (const auto& command : kCommands) {
    if (name == command.name) return &command;
  }
  return nullptr;
}

}  // namespace aviary::cli
