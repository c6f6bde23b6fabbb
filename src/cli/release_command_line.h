#pragma once
// The command line of every subcommand that acts on one ModelRelease:
//   aviary <command> [-n NS] [--kubeconfig PATH] [--context NAME] NAME [ARG...] [own flags]
// parsed in one place so the commands agree on flags, defaults and messages.

#include <optional>
#include <string>
#include <vector>

#include "aviary/common/clock.h"
#include "cli/command_line.h"
#include "cli/commands.h"

namespace aviary::cli {

// Where the cluster is and which namespace the release lives in.
struct Connection {
  std::string kubeconfig;  // "" = $KUBECONFIG, else ~/.kube/config, else in-cluster (as kubectl)
  std::string context;     // "" = current-context
  std::string namespace_;  // "" = the context's namespace, else "default"
};

struct ReleaseCommandSpec {
  std::string name;                    // "status"
  std::string summary;                 // one line under the usage
  std::vector<std::string> arguments;  // positionals after NAME, e.g. {"VERSION"}
  std::vector<FlagSpec> flags;         // the command's own flags
  std::string synopsis;                // the own flags in the usage line, e.g. "[--watch]"
  std::string flagHelp;                // one line per own flag, indented like the common ones
};

struct ReleaseCommandLine {
  bool help = false;  // -h/--help: print usage(), nothing else was checked
  Connection connection;
  std::string release;
  std::vector<std::string> arguments;  // as many as spec.arguments
  CommandLine flags;                   // the command's own flags
};

// InvalidSpec (message without the program name) for a bad flag or a wrong number of arguments.
Result<ReleaseCommandLine> parseReleaseCommandLine(const std::vector<std::string>& args, const ReleaseCommandSpec& spec);

// "usage: aviary status [-n NS] NAME [--watch]\n..." with every flag explained.
std::string usage(const ReleaseCommandSpec& spec, const std::string& program);

// For commands: parses call.args; on --help prints the usage (exit 0), on a bad command line prints
// the problem and the usage (exit 2). nullopt means: return `exitCode`.
std::optional<ReleaseCommandLine> parseOrExplain(const Invocation& call, const ReleaseCommandSpec& spec, int& exitCode);

// Prints "<program> <command>: <message>" on call.err; returns exitCode, for `return fail(...)`.
int fail(const Invocation& call, const ReleaseCommandSpec& spec, const std::string& message, int exitCode = kExitFailure);

// A duration flag's value ("30s", "30m", "1h"), or InvalidSpec naming the flag.
Result<Duration> durationFlag(const CommandLine& flags, const std::string& flag, Duration fallback);

}  // namespace aviary::cli
