#include "aviary/server/release_api_listener.h"

#include "aviary/server/release_api.h"
#include "aviary/server/review_cache.h"

namespace aviary::server {

namespace {

HttpServerOptions apiServerOptions(std::optional<HttpServerTls> tls, std::size_t threads) {
  HttpServerOptions options;
  options.tls = std::move(tls);
  // Each request waits on two reviews and a write to the API server.
  options.threads = threads;
  options.maxConnections = 64;
  options.maxBodyBytes = 64 * 1024;  // a comment is at most 4 KiB (the CRD's limit)
  return options;
}

}  // namespace

class ReleaseApiListener::Impl {
 public:
  Impl(k8s::Client& operatorClient, k8s::RestConfig operatorConfig, runtime::Logger& logger, std::string namespace_,
       std::optional<HttpServerTls> tls, std::size_t threads)
      : tokenReviews_(approval::makeKubeTokenReviewer(operatorClient)),
        accessReviews_(approval::makeKubeAccessReviewer(operatorClient)),
        tokens_(cacheTokenReviews(*tokenReviews_, clock_)),
        access_(cacheAccessReviews(*accessReviews_, clock_)),
        store_(makeKubeReleaseStore(operatorClient, std::move(operatorConfig))),
        api_(*tokens_, *access_, *store_, logger, randomRequestIds(), std::move(namespace_)),
        server_(apiServerOptions(std::move(tls), threads)) {
    api_.install(server_);
  }

  SystemClock clock_;
  approval::TokenReviewerPtr tokenReviews_;  // the API server's answers, through...
  approval::AccessReviewerPtr accessReviews_;
  approval::TokenReviewerPtr tokens_;  // ...their caches (review_cache.h)
  approval::AccessReviewerPtr access_;
  ReleaseStorePtr store_;
  ReleaseApi api_;
  HttpServer server_;  // last: stopped (by its destructor) before what its routes use goes away
};

ReleaseApiListener::ReleaseApiListener(k8s::Client& operatorClient, k8s::RestConfig operatorConfig,
                                       runtime::Logger& logger, std::string namespace_,
                                       std::optional<HttpServerTls> tls, std::size_t threads)
    : impl_(std::make_unique<Impl>(operatorClient, std::move(operatorConfig), logger, std::move(namespace_),
                                   std::move(tls), threads)) {}

ReleaseApiListener::~ReleaseApiListener() { stop(); }

Status ReleaseApiListener::start(const std::string& address) { return impl_->server_.start(address); }

void ReleaseApiListener::stop() { impl_->server_.stop(); }

int ReleaseApiListener::port() const { return impl_->server_.port(); }

HttpServer& ReleaseApiListener::server() { return impl_->server_; }

}  // namespace aviary::server
