#pragma once
// The subcommands of the `aviary` binary and the table main() dispatches through.
//
// To add a subcommand `foo`:
//   1. write src/cli/foo_command.cc defining `int fooCommand(const Invocation& call)` (parse
//      call.args, print to call.out / call.err, return one of the exit codes below);
//   2. declare it in the list below;
//   3. add one line to kCommands in commands.cc: {"foo", "<args>", "one-line summary", fooCommand};
//   4. if it needs another module, add that library to AVIARY_CLI_DEPS in src/cli/CMakeLists.txt.
// foo_command.cc is picked up by the CMake glob; nothing else changes. Close siblings share a file
// (request_command.cc: promote, abort, rollback, retry; approve_command.cc: approve, reject).
// Commands acting on one ModelRelease parse their arguments with release_command_line.h and reach
// the cluster through release_client.h.

#include <iosfwd>
#include <span>
#include <string>
#include <vector>

namespace aviary::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the command ran and found a problem (invalid file, failed call)
inline constexpr int kExitUsage = 2;    // the command line itself is wrong

// One run of a subcommand: its arguments (without the binary and subcommand names) and where to print.
struct Invocation {
  std::vector<std::string> args;
  std::ostream& out;
  std::ostream& err;
  std::string program = "aviary";  // how the user called us, for messages: "aviary" or "kubectl aviary"
};

using CommandFunction = int (*)(const Invocation& call);

struct Command {
  const char* name;
  const char* usage;    // arguments, e.g. "FILE..."
  const char* summary;  // one line for `aviary help`
  CommandFunction run;
};

std::span<const Command> commands();
const Command* findCommand(const std::string& name);

// ---- the subcommands (one file each) ---------------------------------------------------------------
int lintCommand(const Invocation& call);
int operatorCommand(const Invocation& call);
int versionCommand(const Invocation& call);
int helpCommand(const Invocation& call);
int statusCommand(const Invocation& call);
int promoteCommand(const Invocation& call);
int abortCommand(const Invocation& call);
int rollbackCommand(const Invocation& call);
int retryCommand(const Invocation& call);
int approveCommand(const Invocation& call);
int rejectCommand(const Invocation& call);
int setVersionCommand(const Invocation& call);
int waitCommand(const Invocation& call);
int dashboardCommand(const Invocation& call);
int reportCommand(const Invocation& call);

}  // namespace aviary::cli
