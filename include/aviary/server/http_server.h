#pragma once
// The operator's HTTP server: /healthz, /readyz, /metrics and the /api/v1 endpoints for CI.
//
// Routes are (method, path pattern) → handler. A pattern is split on '/'; a segment `{name}` matches
// any one non-empty segment and is handed to the handler, percent-decoded, in pathParams["name"]:
//   server.addRoute("GET", "/api/v1/releases/{ns}/{name}", handler);
// An unknown path answers 404, a known path with another method 405 (with Allow), a handler that
// throws 500 with a JSON error body; every error body is JSON: {"error": "...", ...}.
//
// The server speaks HTTP/1.1 (over TLS when HttpServerOptions::tls is set) with keep-alive and Content-Length bodies (Expect: 100-continue
// honoured); chunked request bodies are refused with 411, oversized heads with 431 and bodies with 413.
// Handlers run on the server's worker threads (HttpServerOptions::threads), so a handler may block
// only as long as a client may wait.
//
// Why not cpprestsdk's http_listener, as the design first said: it cannot tell which port it bound
// (so no port 0), a listener whose open failed because this process already serves that port
// terminates the process when destroyed, and it starts a 40-thread pool shared process-wide. This interface is the same either way; the adapter is
// src/server/asio_http_server.cc.
//
// Thread-safety: addRoute may be called at any time from any thread (routes added while running take
// effect for the next request); start/stop from one controlling thread. Ownership: the server owns
// its threads and connections; handlers are copied in and must stay callable until stop() returns.

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "aviary/common/result.h"

namespace aviary::server {

// Orders header names case-insensitively, so headers.find("content-type") finds "Content-Type".
struct CaseInsensitiveLess {
  using is_transparent = void;
  bool operator()(const std::string& a, const std::string& b) const;
};
// Repeated request headers are joined with ", " (RFC 9110 §5.3).
using HttpHeaders = std::map<std::string, std::string, CaseInsensitiveLess>;

struct HttpRequest {
  std::string method;  // as sent, e.g. "GET"
  std::string path;    // percent-decoded, without the query
  std::map<std::string, std::string> pathParams;
  std::map<std::string, std::string> query;  // decoded; a repeated key keeps its last value
  HttpHeaders headers;
  std::string body;
  std::string remoteAddress;  // "ip:port" of the peer

  // The header's value, or `fallback` when absent.
  std::string header(const std::string& name, const std::string& fallback = "") const;
};

struct HttpResponse {
  int status = 200;
  std::string contentType = "text/plain; charset=utf-8";
  std::string body;
  // Extra headers. Content-Type comes from contentType; Content-Length and Connection are the server's.
  HttpHeaders headers;

  // {"error": message} with this status, as every built-in error answer is shaped.
  static HttpResponse jsonError(int status, const std::string& message);
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

// HTTPS: the files are read by start() (InvalidSpec when they cannot be loaded); restart the server
// to take up a renewed certificate. TLS 1.2 or later.
struct HttpServerTls {
  std::string certificateFile;  // PEM: the server's certificate, then any intermediates
  std::string privateKeyFile;   // PEM
};

struct HttpServerOptions {
  std::size_t threads = 2;                 // worker threads serving connections and running handlers
  std::size_t maxConnections = 256;        // further connections are closed at once
  std::size_t maxHeaderBytes = 16 * 1024;  // request line and headers; more is answered 431
  std::size_t maxHeaderCount = 100;        // header lines; more is answered 431
  std::size_t maxBodyBytes = 1024 * 1024;
  // A connection idle (or slow to send one request) this long is closed.
  std::chrono::milliseconds idleTimeout{30'000};
  std::optional<HttpServerTls> tls;  // unset: plain HTTP
};

class HttpServer {
 public:
  explicit HttpServer(HttpServerOptions options = {});
  ~HttpServer();  // stops
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Adding the same method and pattern again replaces the handler.
  void addRoute(const std::string& method, const std::string& pathPattern, HttpHandler handler);

  // Binds "host:port" ("127.0.0.1:8080", "[::1]:0", ":8080" for every interface; port 0 picks a free
  // one, see port()) and starts serving. Errors: InvalidSpec for a malformed address, Unavailable
  // when it cannot be bound (port in use, unknown host), Conflict when already running.
  Status start(const std::string& address);
  // Closes the listener and every connection and joins the threads; requests in flight may be cut.
  // Idempotent. The server may be started again afterwards.
  void stop();

  bool running() const;
  // The bound port while running (the real one when started with port 0); 0 otherwise.
  int port() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace aviary::server
