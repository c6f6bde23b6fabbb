#pragma once
// The release API (release_api.h) on a listener of its own (`aviary operator --api-addr`), wired to
// the real API server: TokenReviews and SubjectAccessReviews and reads with the operator's client,
// writes with each caller's token. Kept apart from /healthz and /metrics, which are unauthenticated
// and usually bound to loopback or the pod network only. HTTPS when given a certificate and key:
// callers send bearer tokens.
//
// Thread-safety: start/stop from one controlling thread. Ownership: the client and logger must outlive
// the listener.

#include <memory>
#include <optional>
#include <string>

#include "aviary/common/result.h"
#include "aviary/k8s/client.h"
#include "aviary/k8s/rest_config.h"
#include "aviary/runtime/log.h"
#include "aviary/server/http_server.h"

namespace aviary::server {

class ReleaseApiListener {
 public:
  // namespace_: the one namespace the operator reconciles, "" for all. tls: unset for plain HTTP.
  // threads: the server's worker threads (more when the dashboard's long polls share them).
  ReleaseApiListener(k8s::Client& operatorClient, k8s::RestConfig operatorConfig, runtime::Logger& logger,
                     std::string namespace_, std::optional<HttpServerTls> tls = std::nullopt, std::size_t threads = 4);
  ~ReleaseApiListener();  // stops

  // Binds "host:port" (see HttpServer::start for the forms and errors; InvalidSpec too for a certificate
  // or key that cannot be loaded) and serves.
  Status start(const std::string& address);
  void stop();
  int port() const;
  // The server the API's routes are on, for more routes on the same listener (the dashboard's).
  HttpServer& server();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace aviary::server
