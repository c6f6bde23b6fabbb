// HTTP handlers of the simulator: JSON in and out, errors as {"error": …}.

#include "aviary/simulator/http_api.h"

#include "aviary/server/health_endpoints.h"

namespace aviary::simulator {
namespace {

server::HttpResponse jsonResponse(int status, const nlohmann::json& body) {
  server::HttpResponse response;
  response.status = status;
  response.contentType = "application/json";
  response.body = body.dump();
  return response;
}

// The request's body as a Behaviour: 400 with the reason when it is not one.
Result<std::pair<VersionKey, Behaviour>> behaviourFromBody(const server::HttpRequest& request) {
  nlohmann::json body = nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) return makeError(ErrorCode::ParseError, "the body is not JSON");
  return parseBehaviour(body);
}

}  // namespace

void SimulatorApi::install(server::HttpServer& server, const telemetry::MetricsRegistry& registry) {
  server.addRoute("PUT", "/behaviour", [this](const server::HttpRequest& r) { return putBehaviour(r); });
  server.addRoute("GET", "/behaviour", [this](const server::HttpRequest& r) { return listBehaviours(r); });
  server.addRoute("DELETE", "/behaviour", [this](const server::HttpRequest& r) { return deleteBehaviour(r); });
  server.addRoute("GET", "/routing", [this](const server::HttpRequest& r) { return getRouting(r); });
  server::HealthEndpoints::install(server, registry, [this] {
    return simulation_.ready() ? server::Readiness{true, ""}
                               : server::Readiness{false, "routing not read yet: " + simulation_.lastError()};
  });
}

server::HttpResponse SimulatorApi::putBehaviour(const server::HttpRequest& request) {
  nlohmann::json body = nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_object() && !body.contains("version") && body.contains("headerShare")) {
    auto tagged = parseTaggedTraffic(body);
    if (!tagged) return server::HttpResponse::jsonError(400, tagged.error().message);
    const auto& [release, traffic] = *tagged;
    behaviours_.setTagged(release.first, release.second, traffic);
    return jsonResponse(200, taggedTrafficToJson(release.first, release.second, traffic));
  }
  auto parsed = behaviourFromBody(request);
  if (!parsed) return server::HttpResponse::jsonError(400, parsed.error().message);
  behaviours_.set(parsed->first, parsed->second);
  return jsonResponse(200, behaviourToJson(parsed->first, parsed->second));
}

server::HttpResponse SimulatorApi::listBehaviours(const server::HttpRequest&) const {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [key, behaviour] : behaviours_.all()) list.push_back(behaviourToJson(key, behaviour));
  return jsonResponse(200, list);
}

server::HttpResponse SimulatorApi::deleteBehaviour(const server::HttpRequest& request) {
  auto parsed = behaviourFromBody(request);
  if (!parsed) return server::HttpResponse::jsonError(400, parsed.error().message);
  if (!behaviours_.reset(parsed->first)) return server::HttpResponse::jsonError(404, "no behaviour set for that version");
  return jsonResponse(200, behaviourToJson(parsed->first, kHealthy));
}

server::HttpResponse SimulatorApi::getRouting(const server::HttpRequest&) const {
  return jsonResponse(200, {{"releases", routingToJson(simulation_.routing())}, {"lastError", simulation_.lastError()}});
}

}  // namespace aviary::simulator
