#include "aviary/common/egress_policy.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace aviary {

namespace {

Error denied(const std::string& what, const EgressRule& rule) {
  return makeError(ErrorCode::Forbidden, "egress policy denies " + what + " (" + rule.reason + ")");
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

std::optional<IpNetwork> parseAddress(const std::string& text) {
  IpNetwork out;
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    std::memcpy(out.bytes.data(), &v4, 4);
    out.prefix = 32;
    return out;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) != 1) return std::nullopt;
  static const std::uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(&v6, kMapped, 12) == 0) {
    std::memcpy(out.bytes.data(), reinterpret_cast<const std::uint8_t*>(&v6) + 12, 4);
    out.prefix = 32;
    return out;
  }
  out.v6 = true;
  std::memcpy(out.bytes.data(), &v6, 16);
  out.prefix = 128;
  return out;
}

bool matchesAddress(const EgressRule& rule, const IpNetwork& address, int port) {
  if (!rule.network || !rule.network->contains(address)) return false;
  return !rule.port || *rule.port == port;
}

const EgressRule* firstMatch(const std::vector<EgressRule>& rules, const std::string& host) {
  for (const auto& rule : rules) {
    if (!rule.host.empty() && hostMatches(rule.host, host)) return &rule;
  }
  return nullptr;
}

std::vector<EgressRule> builtinDenials(bool loopbackAllowed) {
  std::vector<std::pair<const char*, const char*>> entries = {{"169.254.0.0/16", "link-local, cloud metadata"},
                                                              {"fe80::/10", "link-local"}};
  if (!loopbackAllowed) {
    for (const char* net : {"127.0.0.0/8", "::1/128", "0.0.0.0/8", "::/128"}) {
      entries.emplace_back(net, "loopback; see --egress-loopback");
    }
  }
  std::vector<EgressRule> rules;
  for (const auto& [net, why] : entries) rules.push_back(*EgressRule::parse(net, why));
  return rules;
}

}  // namespace

Result<IpNetwork> IpNetwork::parse(const std::string& text) {
  auto slash = text.find('/');
  auto address = parseAddress(text.substr(0, slash));
  if (!address) return makeError(ErrorCode::InvalidSpec, "\"" + text + "\" is not an IP address or network");
  if (slash == std::string::npos) return *address;
  const std::string bits = text.substr(slash + 1);
  const int max = address->v6 ? 128 : 32;
  if (bits.empty() || bits.size() > 3 || !std::all_of(bits.begin(), bits.end(), ::isdigit) || std::stoi(bits) > max) {
    return makeError(ErrorCode::InvalidSpec, "\"" + text + "\": want a prefix length 0.." + std::to_string(max));
  }
  // A mapped IPv6 network (::ffff:a.b.c.d/104) keeps its IPv4 part of the prefix.
  int prefix = std::stoi(bits);
  if (!address->v6 && text.find(':') != std::string::npos) prefix = std::max(0, prefix - 96);
  address->prefix = prefix;
  return *address;
}

bool IpNetwork::contains(const IpNetwork& address) const {
  if (v6 != address.v6) return false;
  int left = prefix;
  for (std::size_t i = 0; left > 0; ++i, left -= 8) {
    const std::uint8_t mask = left >= 8 ? 0xff : static_cast<std::uint8_t>(0xff << (8 - left));
    if ((bytes[i] & mask) != (address.bytes[i] & mask)) return false;
  }
  return true;
}

std::string IpNetwork::describe() const {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), text, sizeof text);
  return std::string(text) + "/" + std::to_string(prefix);
}

Result<EgressRule> EgressRule::parse(const std::string& text, std::string reason) {
  EgressRule rule;
  rule.reason = std::move(reason);
  if (text.empty()) return makeError(ErrorCode::InvalidSpec, "empty egress entry");
  if (auto network = IpNetwork::parse(text); network) {
    rule.network = *network;
    return rule;
  }
  const bool looksNumeric = text.find_first_not_of("0123456789abcdefABCDEF.:/") == std::string::npos &&
                            (text.find('/') != std::string::npos || text.find(':') != std::string::npos);
  if (looksNumeric) return makeError(ErrorCode::InvalidSpec, "egress entry \"" + text + "\" is not a valid network");
  std::string host = lower(text);
  const std::string name = host.rfind("*.", 0) == 0 ? host.substr(2) : host;
  const bool valid = !name.empty() && name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-.") == std::string::npos &&
                     name.front() != '.' && name.back() != '.';
  if (!valid) {
    return makeError(ErrorCode::InvalidSpec,
                     "egress entry \"" + text + "\": want a network (10.0.0.0/8), an address, a host or *.domain");
  }
  rule.host = host;
  return rule;
}

bool hostMatches(const std::string& pattern, const std::string& host) {
  const std::string name = lower(host);
  if (pattern.rfind("*.", 0) != 0) return pattern == name;
  const std::string suffix = pattern.substr(1);  // ".example.com"
  return name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool isLoopbackHost(const std::string& host) {
  const std::string name = lower(host);
  if (name == "localhost" || hostMatches("*.localhost", name)) return true;
  auto address = parseAddress(name);
  if (!address) return false;
  static const IpNetwork v4 = *IpNetwork::parse("127.0.0.0/8");
  static const IpNetwork v6 = *IpNetwork::parse("::1/128");
  return v4.contains(*address) || v6.contains(*address);
}

Result<EgressPolicy> EgressPolicy::make(const EgressPolicyConfig& config) {
  EgressPolicy policy;
  policy.loopbackAllowed_ = config.loopback == LoopbackEgress::Allow ||
                            (config.loopback == LoopbackEgress::Auto && isLoopbackHost(config.apiServerHost));
  policy.deny_ = builtinDenials(policy.loopbackAllowed_);
  for (const auto& address : config.apiServerAddresses) {
    auto rule = EgressRule::parse(address, "the API server");
    if (!rule || !rule->network) return makeError(ErrorCode::InvalidSpec, "API server address \"" + address + "\" is not an IP address");
    rule->port = config.apiServerPort;
    policy.deny_.push_back(*rule);
  }
  if (!config.apiServerHost.empty() && !parseAddress(config.apiServerHost)) {
    auto rule = EgressRule::parse(config.apiServerHost, "the API server");
    if (rule) policy.deny_.push_back(*rule);
  }
  auto add = [](const std::vector<std::string>& entries, std::vector<EgressRule>& into, const std::string& flag) -> Status {
    for (const auto& entry : entries) {
      auto rule = EgressRule::parse(entry, flag);
      if (!rule) return makeError(ErrorCode::InvalidSpec, flag + ": " + rule.error().message);
      into.push_back(*rule);
    }
    return okStatus();
  };
  if (Status added = add(config.deny, policy.deny_, "--egress-deny"); !added) return added.error();
  if (Status added = add(config.allow, policy.allow_, "--egress-allow"); !added) return added.error();
  return policy;
}

EgressPolicy EgressPolicy::allowAll() {
  EgressPolicy policy;
  policy.enforced_ = false;
  policy.loopbackAllowed_ = true;
  return policy;
}

Status EgressPolicy::checkHost(const std::string& host) const {
  if (!enforced_) return okStatus();
  if (const EgressRule* rule = firstMatch(deny_, host)) return denied("host " + lower(host), *rule);
  return okStatus();
}

Status EgressPolicy::checkAddress(const std::string& host, const std::string& address, int port) const {
  if (!enforced_) return okStatus();
  auto parsed = parseAddress(address);
  if (!parsed) return makeError(ErrorCode::Forbidden, "egress policy denies " + address + ": not an IP address");
  const std::string what = address + " port " + std::to_string(port) + (host.empty() || host == address ? "" : " (" + host + ")");
  for (const auto& rule : deny_) {
    if (matchesAddress(rule, *parsed, port)) return denied(what, rule);
  }
  if (allow_.empty() || firstMatch(allow_, host)) return okStatus();
  for (const auto& rule : allow_) {
    if (matchesAddress(rule, *parsed, port)) return okStatus();
  }
  return makeError(ErrorCode::Forbidden, "egress policy denies " + what + " (not in --egress-allow)");
}

}  // namespace aviary
