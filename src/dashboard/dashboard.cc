#include "aviary/dashboard/dashboard.h"

#include <charconv>
#include <set>
#include <variant>

#include "aviary/api/decode.h"
#include "dashboard/dashboard_json.h"
#include "dashboard/release_actions.h"
#include "dashboard/static_assets.h"
#include "server/api_answers.h"
#include "server/caller_identity.h"

namespace aviary::dashboard {

namespace {

using server::HttpRequest;
using server::HttpResponse;
using Json = nlohmann::json;
namespace answers = server::api_answers;

constexpr const char* kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

HttpResponse secured(HttpResponse response) {
  addSecurityHeaders(response);
  return response;
}

HttpResponse jsonAnswer(const Json& body) {
  HttpResponse response = answers::json(200, body);
  response.headers["Cache-Control"] = "no-store";
  return secured(std::move(response));
}

// Decrements the waiting count however the wait ends.
struct WaitSlot {
  std::atomic<std::size_t>& count;
  bool taken;
  WaitSlot(std::atomic<std::size_t>& count, std::size_t limit) : count(count), taken(++count <= limit) {}
  ~WaitSlot() { --count; }
};

std::string param(const HttpRequest& request, const char* name) {
  auto it = request.pathParams.find(name);
  return it == request.pathParams.end() ? std::string() : it->second;
}

}  // namespace

void addSecurityHeaders(HttpResponse& response) {
  response.headers["Content-Security-Policy"] = kContentSecurityPolicy;
  response.headers["X-Content-Type-Options"] = "nosniff";
  response.headers["X-Frame-Options"] = "DENY";
  response.headers["Referrer-Policy"] = "no-referrer";
}

Dashboard::Dashboard(approval::TokenReviewer& tokens, approval::AccessReviewer& access, ReleaseFeed& feed,
                     const Clock& clock, runtime::Logger& logger, DashboardOptions options)
    : tokens_(server::cacheTokenReviews(tokens, clock, options.reviewCache)),
      access_(server::cacheAccessReviews(access, clock, options.reviewCache)),
      feed_(feed),
      clock_(clock),
      logger_(logger),
      options_(options) {}

void Dashboard::install(server::HttpServer& server) {
  for (const char* path : {"/", "/index.html", "/app.js", "/chart.js", "/view.js", "/style.css"}) {
    server.addRoute("GET", path, [this](const HttpRequest& request) { return asset(request); });
  }
  server.addRoute("GET", "/api/v1/dashboard/whoami", [this](const HttpRequest& request) { return whoami(request); });
  server.addRoute("GET", "/api/v1/dashboard/releases", [this](const HttpRequest& request) { return releases(request); });
  server.addRoute("GET", "/api/v1/dashboard/namespaces/{namespace}/releases/{name}",
                  [this](const HttpRequest& request) { return release(request); });
}

HttpResponse Dashboard::asset(const HttpRequest& request) {
  const StaticAsset* found = findAsset(request.path == "/" ? "/index.html" : request.path);
  if (!found) return secured(HttpResponse::jsonError(404, "no such page: " + request.path));
  HttpResponse response;
  response.contentType = std::string(found->contentType);
  response.body = std::string(found->body);
  response.headers["Cache-Control"] = "no-cache";
  return secured(std::move(response));
}

HttpResponse Dashboard::whoami(const HttpRequest& request) {
  auto caller = server::authenticateCaller(*tokens_, request);
  if (auto* refused = std::get_if<HttpResponse>(&caller)) return secured(*refused);
  const auto& who = std::get<server::Caller>(caller).identity;
  return jsonAnswer({{"user", who.username}, {"groups", who.groups}});
}

std::optional<uint64_t> Dashboard::awaitChange(const HttpRequest& request) {
  auto since = request.query.find("since");
  if (since == request.query.end()) return feed_.version();
  uint64_t seen = 0;
  const std::string& text = since->second;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seen);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  WaitSlot slot(waiting_, options_.maxWaiting);
  if (!slot.taken) return feed_.version();
  return feed_.waitForChange(seen, options_.longPollWait);
}

HttpResponse Dashboard::unavailable(const Error& error) {
  logger_.warn("dashboard cannot authorize a caller", {{"error", error.describe()}});
  return secured(answers::unavailable("cannot authorize the caller", error));
}

Result<bool> Dashboard::allowed(const approval::Identity& who, const std::string& verb, const std::string& namespace_,
                                const std::string& name) {
  auto verdict = access_->review(who, {verb, namespace_, name});
  if (!verdict) return verdict.error();
  return verdict->allowed;
}

HttpResponse Dashboard::releases(const HttpRequest& request) {
  auto caller = server::authenticateCaller(*tokens_, request);
  if (auto* refused = std::get_if<HttpResponse>(&caller)) return secured(*refused);
  const auto& who = std::get<server::Caller>(caller).identity;
  auto version = awaitChange(request);
  if (!version) return secured(HttpResponse::jsonError(400, "?since must be a version number"));

  const auto all = feed_.releases();
  std::set<std::string> namespaces;
  for (const auto& object : all) namespaces.insert(object->value("/metadata/namespace"_json_pointer, std::string()));
  std::set<std::string> listable;
  for (const auto& namespace_ : namespaces) {
    auto may = allowed(who, "list", namespace_, "");
    if (!may) return unavailable(may.error());
    if (*may) listable.insert(namespace_);
  }
  Json rows = Json::array();
  for (const auto& object : all) {
    if (listable.count(object->value("/metadata/namespace"_json_pointer, std::string()))) {
      rows.push_back(releaseSummary(*object));
    }
  }
  return jsonAnswer({{"version", *version}, {"user", who.username}, {"namespaces", listable}, {"releases", rows}});
}

HttpResponse Dashboard::release(const HttpRequest& request) {
  auto caller = server::authenticateCaller(*tokens_, request);
  if (auto* refused = std::get_if<HttpResponse>(&caller)) return secured(*refused);
  const auto& who = std::get<server::Caller>(caller).identity;
  const std::string namespace_ = param(request, "namespace");
  const std::string name = param(request, "name");

  // Authorized before looked up, so a refused caller cannot learn which releases exist.
  auto mayGet = allowed(who, "get", namespace_, name);
  if (!mayGet) return unavailable(mayGet.error());
  if (!*mayGet) {
    return secured(HttpResponse::jsonError(403, who.username + " may not get modelreleases/" + name + " in namespace " +
                                                    namespace_));
  }
  auto version = awaitChange(request);
  if (!version) return secured(HttpResponse::jsonError(400, "?since must be a version number"));
  const std::string key = namespace_ + "/" + name;
  runtime::ObjectPtr object = feed_.release(key);
  if (!object) return secured(HttpResponse::jsonError(404, "modelrelease " + key + " not found"));

  Permissions permissions;
  for (auto [verb, grant] : {std::pair{"approve", &permissions.approve}, std::pair{"patch", &permissions.patch}}) {
    auto may = allowed(who, verb, namespace_, name);
    if (!may) return unavailable(may.error());
    *grant = *may;
  }
  api::FieldErrors ignored;
  const auto actions = allowedActions(api::decodeModelRelease(*object, ignored), who, permissions);
  Json body = releaseDetail(*object, feed_.history(key), actions, clock_.now());
  body["version"] = *version;
  body["user"] = who.username;
  return jsonAnswer(body);
}

}  // namespace aviary::dashboard
