// Parsing of `aviary operator`'s flags (operator_flags.h).

#include "cli/operator_flags.h"

#include <cstdlib>
#include <optional>
#include <set>

#include "aviary/common/duration.h"

namespace aviary::cli {

const char* const kOperatorUsage =
    "usage: aviary operator [--kubeconfig PATH] [--namespace NS] [--workers N] [--leader-elect]\n"
    "         [--leader-election-namespace NS] [--leader-election-id NAME] [--lease-duration 15s]\n"
    "         [--renew-deadline 10s] [--retry-period 2s] [--health-addr HOST:PORT] [--log-level LEVEL]\n"
    "         [--api-addr HOST:PORT] [--api-tls-cert FILE --api-tls-key FILE]\n"
    "         [--notify-url URL] [--notify-format generic|slack] [--enable-command-gates]\n"
    "         [--kube-qps 50] [--kube-burst 100]\n";

Result<OperatorFlags> parseOperatorFlags(const std::vector<std::string>& args) {
  OperatorFlags flags;
  auto bad = [](const std::string& message) { return makeError(ErrorCode::InvalidSpec, message); };
  for (size_t i = 0; i < args.size(); ++i) {
    std::string name = args[i];
    std::optional<std::string> inlineValue;
    if (auto eq = name.find('='); eq != std::string::npos) {
      inlineValue = name.substr(eq + 1);
      name.resize(eq);
    }
    if (name == "--leader-elect" || name == "--enable-command-gates") {
      std::string v = inlineValue.value_or("true");
      if (v != "true" && v != "false") return bad(name + ": want true or false, got \"" + v + "\"");
      (name == "--leader-elect" ? flags.leaderElect : flags.commandGates) = v == "true";
      continue;
    }
    static const std::set<std::string> kValueFlags = {
        "--kubeconfig", "--namespace", "--workers", "--leader-election-namespace", "--leader-election-id",
        "--lease-duration", "--renew-deadline", "--retry-period", "--health-addr", "--log-level",
        "--api-addr", "--api-tls-cert", "--api-tls-key", "--notify-url", "--notify-format", "--kube-qps",
        "--kube-burst"};
    if (!kValueFlags.count(name)) return bad("unknown flag " + name);
    std::string value;
    if (inlineValue) {
      value = *inlineValue;
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return bad(name + " needs a value");
    }
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
    Status ok = okStatus();
    if (name == "--kubeconfig") {
      flags.kubeconfig = value;
    } else if (name == "--namespace") {
      flags.namespace_ = value;
    } else if (name == "--workers") {
      ok = integer(1, 64, flags.workers);
    } else if (name == "--kube-burst") {
      ok = integer(1, 100'000, flags.kubeBurst);
    } else if (name == "--kube-qps") {
      char* end = nullptr;
      double qps = std::strtod(value.c_str(), &end);
      if (value.empty() || *end != '\0' || !(qps >= 0 && qps <= 100'000)) {
        return bad("--kube-qps: want a number 0..100000 (0 = no limit), got \"" + value + "\"");
      }
      flags.kubeQps = qps;
    } else if (name == "--leader-election-namespace") {
      flags.leaderElectionNamespace = value;
    } else if (name == "--leader-election-id") {
      flags.leaderElectionId = value;
    } else if (name == "--lease-duration") {
      ok = duration(flags.leaseDuration);
    } else if (name == "--renew-deadline") {
      ok = duration(flags.renewDeadline);
    } else if (name == "--retry-period") {
      ok = duration(flags.retryPeriod);
    } else if (name == "--health-addr") {
      flags.healthAddr = value;
    } else if (name == "--api-addr") {
      flags.apiAddr = value;
    } else if (name == "--api-tls-cert") {
      flags.apiTlsCert = value;
    } else if (name == "--api-tls-key") {
      flags.apiTlsKey = value;
    } else if (name == "--notify-url") {
      if (value.rfind("http://", 0) != 0 && value.rfind("https://", 0) != 0) {
        return bad("--notify-url: want an http:// or https:// URL");
      }
      flags.notifyUrl = value;
    } else if (name == "--notify-format") {
      auto format = api::parseNotificationFormat(value);
      if (!format) return bad("--notify-format: want generic or slack, got \"" + value + "\"");
      flags.notifyFormat = *format;
    } else if (name == "--log-level") {
      auto level = runtime::parseLogLevel(value);
      if (!level) return level.error();
      flags.logLevel = *level;
    }
    if (!ok) return ok.error();
  }
  if (flags.notifyUrl.empty() && flags.notifyFormat != api::NotificationFormat::Generic) {
    return bad("--notify-format needs --notify-url");
  }
  if (flags.apiTlsCert.empty() != flags.apiTlsKey.empty()) return bad("--api-tls-cert and --api-tls-key go together");
  if (!flags.apiTlsCert.empty() && flags.apiAddr.empty()) return bad("--api-tls-cert needs --api-addr");
  if (!(flags.retryPeriod < flags.renewDeadline && flags.renewDeadline < flags.leaseDuration)) {
    return bad("want --retry-period < --renew-deadline < --lease-duration");
  }
  if (flags.leaderElectionNamespace.empty()) {
    const char* podNamespace = std::getenv("POD_NAMESPACE");
    flags.leaderElectionNamespace = podNamespace && *podNamespace ? podNamespace
                                    : !flags.namespace_.empty()   ? flags.namespace_
                                                                  : "default";
  }
  return flags;
}

}  // namespace aviary::cli
