#include "k8s/request_path.h"

#include "aviary/common/http_fetch.h"

namespace aviary::k8s {

std::string queryString(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (value.empty()) continue;
    out += out.empty() ? '?' : '&';
    out += urlEncode(name) + "=" + urlEncode(value);
  }
  return out;
}

std::string listPath(const ResourceType& type, const std::string& ns, const ListOptions& options) {
  return type.collectionPath(urlEncode(ns)) +
         queryString({{"labelSelector", options.labelSelector},
                      {"fieldSelector", options.fieldSelector},
                      {"limit", options.limit > 0 ? std::to_string(options.limit) : ""},
                      {"continue", options.continueToken},
                      {"resourceVersion", options.resourceVersion}});
}

std::string watchPath(const ResourceType& type, const std::string& ns, const WatchOptions& options) {
  return type.collectionPath(urlEncode(ns)) +
         queryString({{"watch", "1"},
                      {"allowWatchBookmarks", options.allowBookmarks ? "true" : ""},
                      {"resourceVersion", options.resourceVersion},
                      {"timeoutSeconds", options.timeoutSeconds > 0 ? std::to_string(options.timeoutSeconds) : ""},
                      {"labelSelector", options.labelSelector},
                      {"fieldSelector", options.fieldSelector}});
}

std::string objectPath(const ResourceType& type, const std::string& ns, const std::string& name,
                       const std::string& subresource) {
  std::string path = type.objectPath(urlEncode(ns), urlEncode(name));
  if (!subresource.empty()) path += "/" + urlEncode(subresource);
  return path;
}

}  // namespace aviary::k8s
