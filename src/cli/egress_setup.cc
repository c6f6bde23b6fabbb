#include "cli/egress_setup.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <set>

namespace aviary::cli {

namespace {

// Every address the name resolves to now; a name that does not resolve adds none (the host rule
// still denies the name itself).
std::vector<std::string> resolve(const std::string& host) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0) return {};
  std::set<std::string> addresses;
  for (addrinfo* a = found; a; a = a->ai_next) {
    char text[INET6_ADDRSTRLEN] = {};
    if (a->ai_family == AF_INET) {
      inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr, text, sizeof text);
    } else if (a->ai_family == AF_INET6) {
      inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr, text, sizeof text);
    } else {
      continue;
    }
    addresses.insert(text);
  }
  freeaddrinfo(found);
  return {addresses.begin(), addresses.end()};
}

}  // namespace

Result<HostPort> urlHostPort(const std::string& url) {
  auto bad = [&] { return makeError(ErrorCode::InvalidSpec, "\"" + url + "\" is not an http(s)://host[:port] URL"); };
  auto scheme = url.find("://");
  if (scheme == std::string::npos) return bad();
  const std::string name = url.substr(0, scheme);
  if (name != "http" && name != "https") return bad();
  std::string authority = url.substr(scheme + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (auto at = authority.rfind('@'); at != std::string::npos) authority = authority.substr(at + 1);
  HostPort out;
  out.port = name == "https" ? 443 : 80;
  std::string portText;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string::npos) return bad();
    out.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return bad();
      portText = authority.substr(close + 2);
    }
  } else {
    auto colon = authority.rfind(':');
    out.host = authority.substr(0, colon);
    if (colon != std::string::npos) portText = authority.substr(colon + 1);
  }
  if (out.host.empty()) return bad();
  if (!portText.empty()) {
    if (portText.size() > 5 || portText.find_first_not_of("0123456789") != std::string::npos) return bad();
    out.port = std::stoi(portText);
    if (out.port < 1 || out.port > 65535) return bad();
  }
  return out;
}

Result<EgressPolicy> operatorEgressPolicy(const OperatorFlags& flags, const std::string& apiServerUrl) {
  auto server = urlHostPort(apiServerUrl);
  if (!server) return server.error();
  EgressPolicyConfig config;
  config.allow = flags.egressAllow;
  config.deny = flags.egressDeny;
  config.loopback = flags.egressLoopback;
  config.apiServerHost = server->host;
  config.apiServerAddresses = resolve(server->host);
  config.apiServerPort = server->port;
  return EgressPolicy::make(config);
}

}  // namespace aviary::cli
