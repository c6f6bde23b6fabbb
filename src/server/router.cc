#include "server/router.h"

#include <exception>
#include <mutex>
#include <set>

#include "server/http_message.h"

namespace aviary::server {
namespace {

std::vector<std::string> splitPath(std::string_view path) {
  std::vector<std::string> segments;
  if (path.starts_with('/')) path.remove_prefix(1);
  while (true) {
    std::size_t slash = path.find('/');
    segments.emplace_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

bool isParameter(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

void Router::add(const std::string& method, const std::string& pattern, HttpHandler handler) {
  Route route{method, pattern, splitPath(pattern), std::move(handler)};
  std::unique_lock lock(mutex_);
  for (Route& existing : routes_) {
    if (existing.method == method && existing.pattern == pattern) {
      existing = std::move(route);
      return;
    }
  }
  routes_.push_back(std::move(route));
}

bool Router::matches(const Route& route, const std::vector<std::string>& segments,
                     std::map<std::string, std::string>& params) {
  if (route.segments.size() != segments.size()) return false;
  params.clear();
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::string& want = route.segments[i];
    if (isParameter(want)) {
      if (segments[i].empty()) return false;
      params[want.substr(1, want.size() - 2)] = segments[i];
    } else if (want != segments[i]) {
      return false;
    }
  }
  return true;
}

bool Router::moreSpecific(const Route& a, const Route& b) {
  for (std::size_t i = 0; i < a.segments.size() && i < b.segments.size(); ++i) {
    bool aLiteral = !isParameter(a.segments[i]);
    bool bLiteral = !isParameter(b.segments[i]);
    if (aLiteral != bLiteral) return aLiteral;
  }
  return false;
}

HttpResponse Router::dispatch(const std::string& rawPath, HttpRequest& request) const {
  // Split before decoding so "%2F" stays inside a segment; then decode each segment.
  std::vector<std::string> segments = splitPath(rawPath);
  for (std::string& segment : segments) {
    std::optional<std::string> decoded = http::percentDecode(segment, false);
    if (!decoded) return HttpResponse::jsonError(400, "malformed escape in path");
    segment = std::move(*decoded);
  }

  HttpHandler handler;
  std::set<std::string> allowed;
  {
    std::shared_lock lock(mutex_);
    const Route* best = nullptr;
    std::map<std::string, std::string> params;
    for (const Route& route : routes_) {
      if (!matches(route, segments, params)) continue;
      if (route.method != request.method) {
        allowed.insert(route.method);
      } else if (best == nullptr || moreSpecific(route, *best)) {
        best = &route;
        request.pathParams = params;
      }
    }
    if (best != nullptr) handler = best->handler;
  }

  if (!handler) {
    if (allowed.empty()) return HttpResponse::jsonError(404, "no route for " + request.path);
    HttpResponse response = HttpResponse::jsonError(405, "method " + request.method + " not allowed on " + request.path);
    std::string allow;
    for (const std::string& method : allowed) allow += (allow.empty() ? "" : ", ") + method;
    response.headers["Allow"] = allow;
    return response;
  }
  try {
    return handler(request);
  } catch (const std::exception& e) {
    return HttpResponse::jsonError(500, std::string("handler failed: ") + e.what());
  } catch (...) {
    return HttpResponse::jsonError(500, "handler failed");
  }
}

}  // namespace aviary::server
