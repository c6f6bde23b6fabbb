// Parsing of `aviary operator`'s flags (operator_flags.h).

#include "cli/operator_flags.h"

#include <algorithm>
#include <cstdlib>
#include <vector>

#include "aviary/common/duration.h"
#include "cli/command_line.h"

namespace aviary::cli {

const char* const kOperatorUsage =
    "usage: aviary operator [--kubeconfig PATH] [--namespace NS] [--workers N] [--leader-elect]\n"
    "         [--leader-election-namespace NS] [--leader-election-id NAME] [--lease-duration 15s]\n"
    "         [--renew-deadline 10s] [--retry-period 2s] [--health-addr HOST:PORT] [--log-level LEVEL]\n"
    "         [--api-addr HOST:PORT] [--api-tls-cert FILE --api-tls-key FILE]\n"
    "         [--notify-url URL] [--notify-format generic|slack] [--enable-command-gates]\n"
    "         [--kube-qps 50] [--kube-burst 100]\n"
    "         [--dashboard]\n"
    "         [--egress-allow LIST] [--egress-deny LIST] [--egress-loopback auto|allow|deny]\n"
    "         [--measurement-workers 4] [--woken-workers 6]\n";

namespace {

constexpr const char* kSwitches[] = {"--leader-elect", "--enable-command-gates", "--dashboard"};
constexpr const char* kValueFlags[] = {
    "--kubeconfig",   "--namespace",  "--workers",       "--leader-election-namespace", "--leader-election-id",
    "--lease-duration", "--renew-deadline", "--retry-period", "--health-addr", "--log-level",
    "--api-addr",     "--api-tls-cert", "--api-tls-key",  "--notify-url",  "--notify-format",
    "--kube-qps",     "--kube-burst",
    "--egress-allow", "--egress-deny", "--egress-loopback", "--measurement-workers",
    "--woken-workers"};

std::vector<FlagSpec> operatorFlagSpecs() {
  std::vector<FlagSpec> specs;
  for (const char* name : kSwitches) specs.push_back({name, "", false});
  for (const char* name : kValueFlags) specs.push_back({name, "", true});
  return specs;
}

Error bad(const std::string& message) { return makeError(ErrorCode::InvalidSpec, message); }

// One flag's value into flags; the syntax (--flag value, --flag=value, switches) is command_line.cc's.
Status setValue(OperatorFlags& flags, const std::string& name, const std::string& value) {
  auto duration = [&](Duration& out) -> Status {
    auto parsed = parseDuration(value);
    if (!parsed || *parsed <= Duration::zero()) return bad(name + ": \"" + value + "\" is not a positive duration");
    out = *parsed;
    return okStatus();
  };
  auto integer = [&](long min, long max, int& out) -> Status {
    char* end = nullptr;
    long n = std::strtol(value.c_str(), &end, 10);
    if (value.empty() || *end != '\0' || n < min || n > max) {
      return bad(name + ": want " + std::to_string(min) + ".." + std::to_string(max) + ", got \"" + value + "\"");
    }
    out = static_cast<int>(n);
    return okStatus();
  };
  if (name == "--kubeconfig") flags.kubeconfig = value;
  if (name == "--namespace") flags.manager.namespace_ = value;
  if (name == "--workers") return integer(1, 64, flags.manager.workers);
  if (name == "--measurement-workers") return integer(1, 64, flags.manager.measurementWorkers);
  if (name == "--woken-workers") return integer(0, 64, flags.manager.wokenWorkers);
  if (name == "--kube-burst") return integer(1, 100'000, flags.kubeBurst);
  if (name == "--kube-qps") {
    char* end = nullptr;
    double qps = std::strtod(value.c_str(), &end);
    if (value.empty() || *end != '\0' || !(qps >= 0 && qps <= 100'000)) {
      return bad("--kube-qps: want a number 0..100000 (0 = no limit), got \"" + value + "\"");
    }
    flags.kubeQps = qps;
  }
  if (name == "--leader-election-namespace") flags.manager.leaderElectionNamespace = value;
  if (name == "--leader-election-id") flags.manager.leaderElectionId = value;
  if (name == "--lease-duration") return duration(flags.manager.leaseDuration);
  if (name == "--renew-deadline") return duration(flags.manager.renewDeadline);
  if (name == "--retry-period") return duration(flags.manager.retryPeriod);
  if (name == "--health-addr") flags.manager.healthAddr = value;
  if (name == "--api-addr") flags.manager.apiAddr = value;
  if (name == "--api-tls-cert") flags.manager.apiTlsCert = value;
  if (name == "--api-tls-key") flags.manager.apiTlsKey = value;
  if (name == "--notify-url") {
    if (value.rfind("http://", 0) != 0 && value.rfind("https://", 0) != 0) {
      return bad("--notify-url: want an http:// or https:// URL");
    }
    flags.manager.notifyUrl = value;
  }
  if (name == "--notify-format") {
    auto format = api::parseNotificationFormat(value);
    if (!format) return bad("--notify-format: want generic or slack, got \"" + value + "\"");
    flags.manager.notifyFormat = *format;
  }
  if (name == "--egress-allow" || name == "--egress-deny") {
    auto& into = name == "--egress-allow" ? flags.egressAllow : flags.egressDeny;
    std::size_t start = 0;
    while (start <= value.size()) {
      std::size_t comma = std::min(value.find(',', start), value.size());
      std::string entry = value.substr(start, comma - start);
      if (auto rule = EgressRule::parse(entry, name); !rule) return bad(name + ": " + rule.error().message);
      into.push_back(entry);
      start = comma + 1;
    }
  }
  if (name == "--egress-loopback") {
    if (value == "auto") flags.egressLoopback = LoopbackEgress::Auto;
    else if (value == "allow") flags.egressLoopback = LoopbackEgress::Allow;
    else if (value == "deny") flags.egressLoopback = LoopbackEgress::Deny;
    else return bad("--egress-loopback: want auto, allow or deny, got \"" + value + "\"");
  }
  if (name == "--log-level") {
    auto level = runtime::parseLogLevel(value);
    if (!level) return level.error();
    flags.logLevel = *level;
  }
  return okStatus();
}

}  // namespace

Result<OperatorFlags> parseOperatorFlags(const std::vector<std::string>& args) {
  static const std::vector<FlagSpec> kSpecs = operatorFlagSpecs();
  auto line = parseCommandLine(args, kSpecs);
  if (!line) return line.error();
  if (!line->positionals.empty()) return bad("unexpected argument " + line->positionals.front());
  OperatorFlags flags;
  flags.manager.leaderElect = line->on("--leader-elect");
  flags.manager.commandGates = line->on("--enable-command-gates");
  flags.manager.dashboard = line->on("--dashboard");
  for (const auto& [name, value] : line->values) {
    if (auto set = setValue(flags, name, value); !set) return set.error();
  }
  auto& manager = flags.manager;
  if (manager.notifyUrl.empty() && manager.notifyFormat != api::NotificationFormat::Generic) {
    return bad("--notify-format needs --notify-url");
  }
  if (manager.apiTlsCert.empty() != manager.apiTlsKey.empty()) return bad("--api-tls-cert and --api-tls-key go together");
  if (!manager.apiTlsCert.empty() && manager.apiAddr.empty()) return bad("--api-tls-cert needs --api-addr");
  if (manager.dashboard && manager.apiAddr.empty()) return bad("--dashboard needs --api-addr (it is served there)");
  if (!(manager.retryPeriod < manager.renewDeadline && manager.renewDeadline < manager.leaseDuration)) {
    return bad("want --retry-period < --renew-deadline < --lease-duration");
  }
  if (manager.leaderElectionNamespace.empty()) {
    const char* podNamespace = std::getenv("POD_NAMESPACE");
    manager.leaderElectionNamespace = podNamespace && *podNamespace ? podNamespace
                                      : !manager.namespace_.empty() ? manager.namespace_
                                                                    : "default";
  }
  return flags;
}

}  // namespace aviary::cli
