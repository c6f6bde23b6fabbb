#include "cli/commands.h"

namespace aviary::cli {

namespace {

// One line per subcommand, in the order `aviary help` lists them.
constexpr Command kCommands[] = {
    {"status", "[-n NS] NAME [--watch]", "show a release: versions, steps, gates, approvals", statusCommand},
    {"promote", "[-n NS] NAME [--full]", "skip the step that waits (--full: promote now)", promoteCommand},
    {"abort", "[-n NS] NAME", "stop the rollout, traffic back to stable", abortCommand},
    {"rollback", "[-n NS] NAME", "abort, or return to the previous stable version", rollbackCommand},
    {"retry", "[-n NS] NAME", "restart the rollout of a rolled back version", retryCommand},
    {"approve", "[-n NS] NAME [--comment TEXT]", "approve the step that awaits approval, as you", approveCommand},
    {"reject", "[-n NS] NAME [--comment TEXT]", "reject it (the release rolls back)", rejectCommand},
    {"set-version", "[-n NS] NAME VERSION", "start a rollout of VERSION (for CI)", setVersionCommand},
    {"wait", "[-n NS] NAME [--timeout 30m]", "until promoted (exit 0), failed (1) or timeout (2)", waitCommand},
    {"dashboard", "[--port 3100] [-n NS]", "the release dashboard on 127.0.0.1, as your kubeconfig's user", dashboardCommand},
    {"report", "[-n NS] NAME [--rollout N|--version V] [-o text|json|markdown]", "a rollout's decision record (exit 1: incomplete)", reportCommand},
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
