#include "traffic/route_object.h"

namespace aviary::traffic {
namespace {

std::string describe(const k8s::ResourceType& type, const std::string& ns, const std::string& name) {
  return type.kind + " " + ns + "/" + name;
}

}  // namespace

Result<Json> readRouteObject(k8s::Client& client, const k8s::ResourceType& type, const std::string& ns,
                             const std::string& name) {
  if (name.empty()) return makeError(ErrorCode::InvalidSpec, type.kind + " name is empty");
  auto live = client.get(type, ns, name);
  if (!live && live.error().code == ErrorCode::NotFound) {
    return makeError(ErrorCode::NotFound, describe(type, ns, name) + " not found");
  }
  return live;
}

Result<workload::WriteOutcome> rewriteRouteObject(k8s::Client& client, const k8s::ResourceType& type,
                                                  const std::string& ns, const std::string& name,
                                                  const Rewrite& rewrite, Json* stored) {
  constexpr int kAttempts = 2;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    auto live = readRouteObject(client, type, ns, name);
    if (!live) return live.error();
    auto desired = rewrite(*live);
    if (!desired) return desired.error();
    workload::WriteOutcome outcome;
    if (*desired == *live) return outcome;
    // The live resourceVersion travels in desired: a write in between fails with Conflict.
    auto written = client.update(type, ns, *desired);
    if (written) {
      outcome.add({type.kind, ns, name, "update", (*written)["metadata"].value("resourceVersion", "")});
      if (stored) *stored = std::move(*written);
      return outcome;
    }
    if (written.error().code != ErrorCode::Conflict) return written.error();
  }
  return makeError(ErrorCode::Conflict, describe(type, ns, name) + " changed during every attempt to update it");
}

}  // namespace aviary::traffic
