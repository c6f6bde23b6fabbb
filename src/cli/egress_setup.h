#pragma once
// The operator's egress policy (aviary/common/egress_policy.h) from its flags and the API server it
// talks to: that server's own addresses are denied, and loopback is allowed only when it is on
// loopback itself (a development cluster) unless --egress-loopback says otherwise.

#include <string>

#include "aviary/common/egress_policy.h"
#include "cli/operator_flags.h"

namespace aviary::cli {

// apiServerUrl: "https://host:port". Errors: InvalidSpec (a bad flag entry or server URL).
Result<EgressPolicy> operatorEgressPolicy(const OperatorFlags& flags, const std::string& apiServerUrl);

// The host (brackets removed) and port (the scheme's default when absent) of an http(s) URL.
struct HostPort {
  std::string host;
  int port = 0;
};
Result<HostPort> urlHostPort(const std::string& url);

}  // namespace aviary::cli
