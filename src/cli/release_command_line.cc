#include "cli/release_command_line.h"

#include <ostream>

#include "aviary/common/duration.h"

namespace aviary::cli {

namespace {

const std::vector<FlagSpec>& commonFlags() {
  static const std::vector<FlagSpec> kCommon = {
      {"--namespace", "-n", true}, {"--kubeconfig", "", true}, {"--context", "", true}, {"--help", "-h", false}};
  return kCommon;
}

constexpr const char* kCommonHelp =
    "  -n, --namespace NS     the release's namespace (default: the kubeconfig context's, else \"default\")\n"
    "      --kubeconfig PATH  kubeconfig file (default: $KUBECONFIG, else ~/.kube/config, else in-cluster)\n"
    "      --context NAME     kubeconfig context (default: the current context)\n"
    "  -h, --help             this help\n";

}  // namespace

Result<ReleaseCommandLine> parseReleaseCommandLine(const std::vector<std::string>& args, const ReleaseCommandSpec& spec) {
  std::vector<FlagSpec> flags = commonFlags();
  flags.insert(flags.end(), spec.flags.begin(), spec.flags.end());
  auto parsed = parseCommandLine(args, flags);
  if (!parsed) return parsed.error();
  ReleaseCommandLine line;
  if (parsed->on("--help")) {
    line.help = true;
    return line;
  }
  const size_t wanted = 1 + spec.arguments.size();
  if (parsed->positionals.size() != wanted) {
    std::string names = "NAME";
    for (const auto& argument : spec.arguments) names += " " + argument;
    const std::string what = parsed->positionals.empty() ? "no release name given"
                             : parsed->positionals.size() < wanted
                                 ? "missing " + spec.arguments[parsed->positionals.size() - 1]
                                 : "unexpected argument \"" + parsed->positionals[wanted] + "\"";
    return makeError(ErrorCode::InvalidSpec, what + " (want " + names + ")");
  }
  line.connection.kubeconfig = parsed->value("--kubeconfig");
  line.connection.context = parsed->value("--context");
  line.connection.namespace_ = parsed->value("--namespace");
  if (parsed->has("--namespace") && line.connection.namespace_.empty()) {
    return makeError(ErrorCode::InvalidSpec, "--namespace: empty namespace");
  }
  line.release = parsed->positionals.front();
  line.arguments.assign(parsed->positionals.begin() + 1, parsed->positionals.end());
  for (const auto& common : commonFlags()) {
    parsed->values.erase(common.name);
    parsed->switches.erase(common.name);
  }
  parsed->positionals.clear();
  line.flags = std::move(*parsed);
  return line;
}

std::string usage(const ReleaseCommandSpec& spec, const std::string& program) {
  std::string text = "usage: " + program + " " + spec.name + " [-n NS] NAME";
  for (const auto& argument : spec.arguments) text += " " + argument;
  if (!spec.synopsis.empty()) text += " " + spec.synopsis;
  text += "\n" + spec.summary + "\n\nflags:\n" + kCommonHelp + spec.flagHelp;
  return text;
}

std::optional<ReleaseCommandLine> parseOrExplain(const Invocation& call, const ReleaseCommandSpec& spec, int& exitCode) {
  auto line = parseReleaseCommandLine(call.args, spec);
  if (!line) {
    call.err << call.program << " " << spec.name << ": " << line.error().message << "\n" << usage(spec, call.program);
    exitCode = kExitUsage;
    return std::nullopt;
  }
  if (line->help) {
    call.out << usage(spec, call.program);
    exitCode = kExitOk;
    return std::nullopt;
  }
  return std::move(*line);
}

int fail(const Invocation& call, const ReleaseCommandSpec& spec, const std::string& message, int exitCode) {
  call.err << call.program << " " << spec.name << ": " << message << "\n";
  return exitCode;
}

Result<Duration> durationFlag(const CommandLine& flags, const std::string& flag, Duration fallback) {
  if (!flags.has(flag)) return fallback;
  const std::string text = flags.value(flag);
  auto parsed = parseDuration(text);
  if (!parsed) return makeError(ErrorCode::InvalidSpec, flag + ": \"" + text + "\" is not a duration (e.g. 30s, 10m, 1h)");
  return *parsed;
}

}  // namespace aviary::cli
