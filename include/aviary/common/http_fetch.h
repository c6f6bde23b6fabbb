#pragma once
// One plain HTTP request (metric providers, the model registry, notifications): libcurl, TLS verified,
// a hard timeout. Kept in one adapter file so no libcurl type leaves it.

#include <chrono>
#include <map>
#include <string>

#include "aviary/common/result.h"

namespace aviary {

struct HttpAnswer {
  long status = 0;
  std::string body;
};

Result<HttpAnswer> httpFetch(const std::string& method, const std::string& url, const std::string& body,
                             const std::map<std::string, std::string>& headers, std::chrono::milliseconds timeout);

std::string urlEncode(const std::string& text);

}  // namespace aviary
