#include "aviary/server/health_endpoints.h"

namespace aviary::server {
namespace {

HttpResponse text(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

}  // namespace

void HealthEndpoints::install(HttpServer& server, const telemetry::MetricsRegistry& registry,
                              ReadinessCheck readiness) {
  server.addRoute("GET", "/healthz", [](const HttpRequest&) { return text(200, "ok\n"); });
  server.addRoute("GET", "/readyz", [readiness = std::move(readiness)](const HttpRequest&) {
    Readiness state = readiness();
    return state.ready ? text(200, "ok\n") : text(503, "not ready: " + state.reason + "\n");
  });
  server.addRoute("GET", "/metrics", [&registry](const HttpRequest&) {
    HttpResponse response = text(200, registry.render());
    response.contentType = kMetricsContentType;
    return response;
  });
}

}  // namespace aviary::server
