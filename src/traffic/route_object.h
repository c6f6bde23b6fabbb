#pragma once
// Read-compare-write of one route object the user owns (HTTPRoute, VirtualService): the router turns
// the live object into the desired one; the object is updated (with the live resourceVersion) only
// when they differ, and re-read and rewritten once if someone else wrote in between.

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "aviary/common/result.h"
#include "aviary/k8s/client.h"
#include "aviary/workload/write_outcome.h"

namespace aviary::traffic {

using Json = nlohmann::json;
// Builds the desired object from (a copy of) the live one.
using Rewrite = std::function<Result<Json>(Json live)>;

// The object, or NotFound with the message the user sees in the Degraded condition:
// "HTTPRoute ml/fraud-scorer not found".
Result<Json> readRouteObject(k8s::Client& client, const k8s::ResourceType& type, const std::string& ns,
                             const std::string& name);

// Applies rewrite to the live object and updates it when the result differs; Conflict → one re-read
// and retry, then Conflict is returned. stored (optional) receives the object as the API server stored
// it, after pruning of fields its CRD does not know; untouched when nothing was written.
Result<workload::WriteOutcome> rewriteRouteObject(k8s::Client& client, const k8s::ResourceType& type,
                                                  const std::string& ns, const std::string& name,
                                                  const Rewrite& rewrite, Json* stored = nullptr);

}  // namespace aviary::traffic
