// The built-in routers: one line each.
#include "traffic/gateway_api/gateway_api_router.h"
#include "traffic/istio/istio_router.h"
#include "traffic/replica_ratio/replica_ratio_router.h"

namespace aviary::traffic {

void registerBuiltinRouters(RouterRegistry& registry) {
  registry.add(api::RouterKind::GatewayApi, makeGatewayApiRouter);
  registry.add(api::RouterKind::Istio, makeIstioRouter);
  registry.add(api::RouterKind::ReplicaRatio, makeReplicaRatioRouter);
}

}  // namespace aviary::traffic
