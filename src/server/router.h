#pragma once
// The route table behind HttpServer: matches a request to a handler, fills pathParams, and answers
// 404, 405 and 500 itself. No sockets here, so routing is tested on its own.

#include <shared_mutex>
#include <string>
#include <vector>

#include "aviary/server/http_server.h"

namespace aviary::server {

// Thread-safety: add and dispatch may run concurrently; a handler runs without the table's lock, so it
// may itself add routes.
class Router {
 public:
  void add(const std::string& method, const std::string& pattern, HttpHandler handler);

  // `rawPath` is the path before percent-decoding, so an encoded '/' stays inside its segment.
  // Never throws: a handler's exception becomes a 500.
  HttpResponse dispatch(const std::string& rawPath, HttpRequest& request) const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;  // "{name}" for a parameter
    HttpHandler handler;
  };
  // Fills `params` when `route` matches the decoded segments.
  static bool matches(const Route& route, const std::vector<std::string>& segments,
                      std::map<std::string, std::string>& params);
  // Literal segments win over parameters, leftmost first: /releases/all before /releases/{name}.
  static bool moreSpecific(const Route& a, const Route& b);

  mutable std::shared_mutex mutex_;
  std::vector<Route> routes_;
};

}  // namespace aviary::server
