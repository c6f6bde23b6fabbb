#include "cli/command_line.h"

#include <optional>

namespace aviary::cli {

namespace {

Error bad(const std::string& message) { return makeError(ErrorCode::InvalidSpec, message); }

// The spec an argument names and the value written inside it ("--a=b", "-nb", "-n=b"), if any.
struct Named {
  const FlagSpec* spec = nullptr;
  std::optional<std::string> inlineValue;
};

Named lookUp(const std::string& arg, std::span<const FlagSpec> flags) {
  const bool isLong = arg.starts_with("--");
  const auto eq = arg.find('=');
  const std::string name = isLong ? arg.substr(0, eq) : arg.substr(0, 2);
  for (const auto& flag : flags) {
    if (isLong ? flag.name != name : flag.shortName != name) continue;
    Named named{&flag, std::nullopt};
    if (isLong && eq != std::string::npos) {
      named.inlineValue = arg.substr(eq + 1);
    } else if (!isLong && arg.size() > 2) {
      named.inlineValue = arg.substr(arg[2] == '=' ? 3 : 2);
    }
    return named;
  }
  return {};
}

}  // namespace

Result<CommandLine> parseCommandLine(const std::vector<std::string>& args, std::span<const FlagSpec> flags) {
  CommandLine line;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      line.positionals.insert(line.positionals.end(), args.begin() + static_cast<long>(i) + 1, args.end());
      break;
    }
    if (arg.size() < 2 || arg[0] != '-') {
      line.positionals.push_back(arg);
      continue;
    }
    Named named = lookUp(arg, flags);
    if (!named.spec) return bad("unknown flag " + arg.substr(0, arg.find('=')));
    const FlagSpec& flag = *named.spec;
    if (!flag.takesValue) {
      const std::string value = named.inlineValue.value_or("true");
      if (value != "true" && value != "false") return bad(flag.name + " is a switch: want true or false, got \"" + value + "\"");
      if (value == "true") {
        line.switches.insert(flag.name);
      } else {
        line.switches.erase(flag.name);
      }
      continue;
    }
    if (named.inlineValue) {
      line.values[flag.name] = *named.inlineValue;
    } else if (i + 1 < args.size()) {
      line.values[flag.name] = args[++i];
    } else {
      return bad(flag.name + " needs a value");
    }
  }
  return line;
}

}  // namespace aviary::cli
