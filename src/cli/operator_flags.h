#pragma once
// The flags of `aviary operator` (docs/cli.md): parsed and checked before anything starts, so a bad
// flag is a usage error naming the flag, never a half-started operator.

#include <string>
#include <vector>

#include "aviary/common/clock.h"
#include "aviary/common/egress_policy.h"
#include "aviary/common/result.h"
#include "aviary/manager/manager_options.h"
#include "aviary/runtime/log.h"

namespace aviary::cli {

// The manager's options, and what the CLI needs to build the client, the logger and the egress policy.
struct OperatorFlags {
  manager::ManagerOptions manager;
  std::string kubeconfig;
  runtime::LogLevel logLevel = runtime::LogLevel::Info;
  double kubeQps = 50;  // the client-side rate limit to the API server; 0 = none
  int kubeBurst = 100;
  // The egress policy for URLs from specs (docs/security.md): --egress-allow, --egress-deny
  // (comma-separated networks, addresses, hosts, *.domains), --egress-loopback auto|allow|deny.
  std::vector<std::string> egressAllow;
  std::vector<std::string> egressDeny;
  LoopbackEgress egressLoopback = LoopbackEgress::Auto;
};

extern const char* const kOperatorUsage;

// Accepts "--flag value" and "--flag=value"; --leader-elect, --enable-command-gates and --dashboard alone
// mean true.
// Without --leader-election-namespace the Lease lives in $POD_NAMESPACE, else --namespace, else default.
// Errors: InvalidSpec naming the flag.
Result<OperatorFlags> parseOperatorFlags(const std::vector<std::string>& args);

}  // namespace aviary::cli
