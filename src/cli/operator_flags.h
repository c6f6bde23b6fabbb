#pragma once
// The flags of `aviary operator` (docs/cli.md): parsed and checked before anything starts, so a bad
// flag is a usage error naming the flag, never a half-started operator.

#include <string>
#include <vector>

#include "aviary/api/model_release.h"
#include "aviary/common/clock.h"
#include "aviary/common/egress_policy.h"
#include "aviary/common/result.h"
#include "aviary/runtime/log.h"

namespace aviary::cli {

struct OperatorFlags {
  std::string kubeconfig;
  std::string namespace_;  // "" = all
  int workers = 2;
  bool leaderElect = false;
  bool commandGates = false;  // --enable-command-gates (analysis_runner.h ProviderOptions)
  std::string leaderElectionNamespace;
  std::string leaderElectionId = "aviary-operator";
  Duration leaseDuration = std::chrono::seconds(15);
  Duration renewDeadline = std::chrono::seconds(10);
  Duration retryPeriod = std::chrono::seconds(2);
  std::string healthAddr = "127.0.0.1:8080";
  std::string apiAddr;  // "" = the release API (docs/http-api.md) is off
  std::string apiTlsCert;  // with apiTlsKey: the release API speaks HTTPS
  std::string apiTlsKey;
  runtime::LogLevel logLevel = runtime::LogLevel::Info;
  std::string notifyUrl;  // "" = no operator-wide webhook (docs/notifications.md)
  api::NotificationFormat notifyFormat = api::NotificationFormat::Generic;
  double kubeQps = 50;  // the client-side rate limit to the API server; 0 = none
  int kubeBurst = 100;
  bool dashboard = false;  // --dashboard: the release dashboard on the --api-addr listener (docs/dashboard.md)
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
