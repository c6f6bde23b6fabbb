#pragma once
// Flag parsing shared by the subcommands that talk to a cluster, in kubectl's style: flags may come
// before or after the positional arguments, "--flag value", "--flag=value", "-n value", "-nvalue",
// "-n=value"; a switch takes no value ("--watch", or "--watch=true|false"); "--" ends the flags.
// Pure: no I/O, so tests give it argument vectors and read the result.

#include <map>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "aviary/common/result.h"

namespace aviary::cli {

struct FlagSpec {
  std::string name;        // long form with dashes: "--namespace"
  std::string shortName;   // "-n", or "" when there is none
  bool takesValue = true;  // false: a switch
};

struct CommandLine {
  std::map<std::string, std::string> values;  // flags with a value, by long name (the last one given wins)
  std::set<std::string> switches;             // switches that are on, by long name
  std::vector<std::string> positionals;

  bool on(const std::string& flag) const { return switches.count(flag) > 0; }
  std::string value(const std::string& flag, const std::string& fallback = "") const {
    auto it = values.find(flag);
    return it == values.end() ? fallback : it->second;
  }
  bool has(const std::string& flag) const { return values.count(flag) > 0; }
};

// InvalidSpec with a message naming the offending argument: an unknown flag, a missing value, a
// switch given a value other than true/false.
Result<CommandLine> parseCommandLine(const std::vector<std::string>& args, std::span<const FlagSpec> flags);

}  // namespace aviary::cli
