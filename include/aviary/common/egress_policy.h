#pragma once
// Where the operator may send a request that a spec chose the URL of (webhook gates, notification
// webhooks): without a policy, anyone who may create a ModelRelease could make the operator fetch the
// cloud metadata service, the API server or a cluster-internal service and read the answer back from
// the release's status (server-side request forgery). docs/security.md describes the flags.
//
// The policy is checked twice by the HTTP adapter (http_fetch.h): on the URL's host name before the
// request, and on every resolved address at connect time, so a name that resolves (or re-resolves) to
// a denied address is refused too. Immutable once built; safe to share between threads.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "aviary/common/result.h"

namespace aviary {

// An IP address (IPv4-mapped IPv6 addresses are stored as IPv4, so ::ffff:169.254.169.254 is
// 169.254.169.254) and a prefix length.
struct IpNetwork {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};  // IPv4 in the first four
  int prefix = 0;

  // "10.0.0.0/8", "::1/128", or a bare address (a /32 or /128). Errors: InvalidSpec.
  static Result<IpNetwork> parse(const std::string& text);
  bool contains(const IpNetwork& address) const;
  std::string describe() const;
};

// One entry of --egress-allow / --egress-deny: a network, an exact host name ("metrics.example.com"), a
// suffix ("*.example.com" matches one or more labels before .example.com), or a network with a port
// (only the API server's own address is built that way).
struct EgressRule {
  std::optional<IpNetwork> network;
  std::optional<int> port;  // with network: only this port
  std::string host;         // lower case; starts with "*." for a suffix
  std::string reason;       // said in the denial ("link-local", "the API server", "--egress-deny")

  // Parses one flag entry. Errors: InvalidSpec naming the entry.
  static Result<EgressRule> parse(const std::string& text, std::string reason);
};

enum class LoopbackEgress {
  Auto,   // allowed when the API server itself is on loopback (a local development cluster)
  Allow,
  Deny,
};

struct EgressPolicyConfig {
  std::vector<std::string> allow;  // --egress-allow: when not empty, only these are reachable
  std::vector<std::string> deny;   // --egress-deny: denied besides the built-in denials
  LoopbackEgress loopback = LoopbackEgress::Auto;
  std::string apiServerHost;                  // the API server's host as the kubeconfig names it
  std::vector<std::string> apiServerAddresses;  // its resolved addresses (denied on apiServerPort)
  int apiServerPort = 0;
};

class EgressPolicy {
 public:
  // Denies 169.254.0.0/16 and fe80::/10 (link-local: cloud metadata services), the API server's own
  // addresses on its port, config.deny, and loopback (127.0.0.0/8, ::1, 0.0.0.0/8, ::) unless allowed.
  // Errors: InvalidSpec naming a bad entry.
  static Result<EgressPolicy> make(const EgressPolicyConfig& config);
  // Allows everything: for callers whose URLs come from the operator's own configuration.
  static EgressPolicy allowAll();

  // The URL's host (a name or an address literal, lower case, without brackets) before resolution.
  // Errors: Forbidden, the message beginning "egress policy".
  Status checkHost(const std::string& host) const;
  // A resolved address ("10.1.2.3", "::1") and port at connect time. Errors: Forbidden as above.
  Status checkAddress(const std::string& host, const std::string& address, int port) const;

  bool loopbackAllowed() const { return loopbackAllowed_; }

 private:
  std::vector<EgressRule> deny_;
  std::vector<EgressRule> allow_;
  bool loopbackAllowed_ = false;
  bool enforced_ = true;
};

bool hostMatches(const std::string& pattern, const std::string& host);
// True when host is "localhost" or a loopback address literal.
bool isLoopbackHost(const std::string& host);

}  // namespace aviary
