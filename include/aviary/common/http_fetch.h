#pragma once
// One plain HTTP request (metric providers, the model registry, notifications): libcurl, TLS verified,
// a hard timeout, http and https only, redirects never followed (a 3xx is the answer), the body
// bounded. Kept in one adapter file so no libcurl type leaves it.

#include <chrono>
#include <map>
#include <string>

#include "aviary/common/egress_policy.h"
#include "aviary/common/result.h"

namespace aviary {

struct HttpAnswer {
  long status = 0;
  std::string body;
};

struct FetchOptions {
  std::chrono::milliseconds timeout{5'000};
  // For a URL a spec chose: checked on the host name and on each address at connect time; such a
  // request never goes through an HTTP proxy (the check would see the proxy's address). Not owned;
  // nullptr = no policy (URLs from the operator's own configuration).
  const EgressPolicy* egress = nullptr;
  std::size_t maxBodyBytes = 16u << 20;  // a longer answer is an Error (Unavailable), not truncated
};

// Errors: Timeout; Unavailable (connection, TLS, body too long); Forbidden (the egress policy, the
// message beginning "egress policy"); InvalidSpec (not an http:// or https:// URL).
Result<HttpAnswer> httpFetch(const std::string& method, const std::string& url, const std::string& body,
                             const std::map<std::string, std::string>& headers, const FetchOptions& options);

Result<HttpAnswer> httpFetch(const std::string& method, const std::string& url, const std::string& body,
                             const std::map<std::string, std::string>& headers, std::chrono::milliseconds timeout);

std::string urlEncode(const std::string& text);

}  // namespace aviary
