#pragma once
// Compacts the test cluster's etcd (hack/cluster.sh env exports AVIARY_ETCD_URL) through its v3 JSON
// gateway, so a watch from an old resourceVersion is answered 410 Gone for certain. Without it the
// answer depends on the cluster's age: the API server compacts every 5 minutes, and a young etcd
// replays every event since revision 1.
//
// Only resources the API server does not keep a watch cache for read etcd directly (Events); the
// cache of the others serves old versions as the state it listed at start-up, whatever etcd holds.

#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "aviary/common/result.h"
#include "aviary/k8s/http_transport.h"

namespace aviary::testing {

inline Result<nlohmann::json> etcdCall(k8s::HttpTransport& etcd, const std::string& path, const nlohmann::json& body) {
  k8s::HttpRequest request{"POST", path, {{"Content-Type", "application/json"}}, body.dump()};
  auto response = etcd.perform(request);
  if (!response) return response.error();
  if (response->status != 200) {
    return makeError(ErrorCode::Internal, "etcd " + path + ": HTTP " + std::to_string(response->status) + ": " + response->body);
  }
  return nlohmann::json::parse(response->body);
}

// Compacts etcd up to its current revision: every older resourceVersion is gone.
inline Status compactEtcd() {
  const char* url = std::getenv("AVIARY_ETCD_URL");
  if (!url || !*url) return makeError(ErrorCode::NotFound, "AVIARY_ETCD_URL unset: eval \"$(hack/cluster.sh env)\"");
  k8s::RestConfig config;
  config.server = url;
  auto etcd = k8s::makeCurlTransport(config, "aviary-integration-test");
  if (!etcd) return etcd.error();
  auto range = etcdCall(**etcd, "/v3/kv/range", {{"key", "AA=="}});  // any key: the answer's header has the revision
  if (!range) return range.error();
  const std::string revision = (*range)["header"].value("revision", std::string());
  if (revision.empty()) return makeError(ErrorCode::Internal, "etcd range answer without a revision: " + range->dump());
  auto compacted = etcdCall(**etcd, "/v3/kv/compaction", {{"revision", revision}, {"physical", true}});
  if (!compacted) return compacted.error();
  return okStatus();
}

}  // namespace aviary::testing
