#pragma once
// KubeClient: the Client over an HttpTransport. makeClient (client.h) builds it from the resolved
// RestConfig with libcurl; this header is for callers that bring their own config or transport
// (tests, a client aimed at a specific server).
//
// Behaviour shared by every call:
//  - a token bucket (options.qps / options.burst) paces requests, watches included; those sent inside
//    an UrgentScope (common/urgent_scope.h) go ahead of its queue;
//  - non-2xx answers become an Error mapped from the server's Status (see docs/k8s-client.md), the
//    server's message kept;
//  - 429 is retried on every verb (Retry-After honoured, at most kMaxRetryAfter each, 3 tries);
//    connection failures and 5xx are retried on GET (list, get) with backoff, 3 tries in all.
//  - list items get apiVersion and kind filled in (the server leaves them out of list items).
// Thread-safety: all methods may be called from any thread concurrently.

#include <chrono>
#include <functional>

#include "aviary/common/clock.h"
#include "aviary/k8s/client.h"
#include "aviary/k8s/http_transport.h"
#include "aviary/k8s/rest_config.h"

namespace aviary::k8s {

inline constexpr std::chrono::seconds kMaxRetryAfter{10};

// How the client waits (rate limit, retry backoff); tests pass one that records instead of sleeping.
using Sleeper = std::function<void(Duration)>;

struct KubeClientDeps {
  HttpTransportPtr transport;      // owned by the client
  const Clock* clock = nullptr;    // must outlive the client; nullptr = the system clock
  Sleeper sleep;                   // empty = std::this_thread::sleep_for
};

ClientPtr makeKubeClient(KubeClientDeps deps, const ClientOptions& options);

// A libcurl client for config (skips resolveRestConfig), with the system clock.
Result<ClientPtr> makeClient(const RestConfig& config, const ClientOptions& options);

}  // namespace aviary::k8s
