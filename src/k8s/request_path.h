#pragma once
// REST paths and query strings for the client's calls. Pure, unit-tested (escaping included).

#include <string>
#include <utility>
#include <vector>

#include "aviary/k8s/client.h"

namespace aviary::k8s {

// "?a=1&b=x%3Dy" from the non-empty values, in order; "" when all are empty.
std::string queryString(const std::vector<std::pair<std::string, std::string>>& params);

std::string listPath(const ResourceType& type, const std::string& ns, const ListOptions& options);
std::string watchPath(const ResourceType& type, const std::string& ns, const WatchOptions& options);
// objectPath plus "/<subresource>" when subresource is not empty.
std::string objectPath(const ResourceType& type, const std::string& ns, const std::string& name,
                       const std::string& subresource = "");

}  // namespace aviary::k8s
