#include "aviary/workload/names.h"

#include "workload/fnv_hash.h"

namespace aviary::workload {
namespace {

constexpr std::size_t kMaxLabel = 63;
constexpr std::size_t kHashLength = 8;

bool isLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool isAlnum(char c) { return isLowerAlnum(c) || (c >= 'A' && c <= 'Z'); }

// Both kinds of name share one shape: alphanumeric ends, a small set of separators inside, ≤ 63 chars.
// Invalid characters become '-'; the result gets a hash suffix whenever it differs from raw.
template <typename Keep, typename IsEnd>
std::string sanitise(const std::string& raw, Keep keep, IsEnd isEnd, bool lowercase) {
  std::string out;
  out.reserve(raw.size());
  bool lastReplaced = false;
  for (char c : raw) {
    if (lowercase && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    const bool replaced = !keep(c);
    // A run of invalid characters becomes one '-': enough to read the name.
    if (replaced && lastReplaced) continue;
    out.push_back(replaced ? '-' : c);
    lastReplaced = replaced;
  }
  auto trim = [&] {
    while (!out.empty() && !isEnd(out.front())) out.erase(out.begin());
    while (!out.empty() && !isEnd(out.back())) out.pop_back();
  };
  trim();
  if (out == raw && out.size() <= kMaxLabel) return out;

  const std::string hash = fnvHex(raw).substr(0, kHashLength);
  if (out.size() > kMaxLabel - kHashLength - 1) out.resize(kMaxLabel - kHashLength - 1);
  trim();
  return out.empty() ? "x" + hash : out + "-" + hash;
}

}  // namespace

std::string dnsLabel(const std::string& raw) {
  return sanitise(raw, [](char c) { return isLowerAlnum(c) || c == '-'; }, isLowerAlnum, true);
}

std::string labelValue(const std::string& raw) {
  if (raw.empty()) return raw;
  return sanitise(raw, [](char c) { return isAlnum(c) || c == '-' || c == '_' || c == '.'; }, isAlnum, false);
}

std::string deploymentName(const std::string& release, const std::string& version) {
  return dnsLabel(release + "-" + version);
}

std::string stableServiceName(const std::string& release) { return dnsLabel(release + "-stable"); }
std::string canaryServiceName(const std::string& release) { return dnsLabel(release + "-canary"); }
std::string rootServiceName(const std::string& release) { return dnsLabel(release); }

}  // namespace aviary::workload
