#include "aviary/traffic/router.h"

namespace aviary::traffic {

void RouterRegistry::add(api::RouterKind kind, RouterFactory factory) {
  factories_.emplace_back(kind, std::move(factory));
}

Result<RouterPtr> RouterRegistry::make(api::RouterKind kind, k8s::Client& client) const {
  for (const auto& [registered, factory] : factories_) {
    if (registered == kind) return factory(client);
  }
  return makeError(ErrorCode::InvalidSpec,
                   "no router for traffic routing kind " + std::to_string(static_cast<int>(kind)));
}

Result<RouterPtr> makeRouter(api::RouterKind kind, k8s::Client& client) {
  RouterRegistry registry;
  registerBuiltinRouters(registry);
  return registry.make(kind, client);
}

}  // namespace aviary::traffic
