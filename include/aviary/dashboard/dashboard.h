#pragma once
// The release dashboard (docs/dashboard.md): a browser UI served from the binary, and the JSON it reads.
//   GET /                        the page (index.html), GET /app.js, /view.js, /chart.js, /style.css: its assets
//   GET /api/v1/dashboard/whoami                                  {"user", "groups"}
//   GET /api/v1/dashboard/releases[?since=V]                      the releases the caller may list
//   GET /api/v1/dashboard/namespaces/{ns}/releases/{name}[?since=V]  one release and the caller's actions
// The JSON endpoints authenticate exactly as the release API does (TokenReview of the bearer token →
// 401) and authorize by SubjectAccessReview: `list modelreleases` per namespace for the list (the
// namespaces refused are left out), `get` on the release for its page (→ 403), `approve` and `patch`
// to decide which action buttons to show (release_actions.h). The actions themselves are the release
// API's POSTs (release_api.h), with the same token. Reads come from the ReleaseFeed (the informer's
// cache), never from the API server.
// Live updates by long poll: with ?since=V (the "version" of the previous answer) the request waits
// until something changed or options.longPollWait passed, then answers as without it.
// Every answer carries a strict Content-Security-Policy (scripts and styles from this origin only, no
// inline script, no framing) and no cookies are ever set: the page keeps the token in sessionStorage.
//
// Thread-safety: the handlers run on the server's threads, several at once; a long poll holds a thread
// while it waits (at most options.maxWaiting do at once; further polls answer at once).
// Ownership: the reviewers, feed, clock and logger must outlive the routes (stop the server first).
// The reviews' answers are cached for a few seconds (options.reviewCache).

#include <atomic>
#include <cstddef>
#include <string>

#include "aviary/approval/access_reviewer.h"
#include "aviary/approval/token_reviewer.h"
#include "aviary/common/clock.h"
#include "aviary/dashboard/release_feed.h"
#include "aviary/runtime/log.h"
#include "aviary/server/http_server.h"
#include "aviary/server/review_cache.h"

namespace aviary::dashboard {

struct DashboardOptions {
  Duration longPollWait = std::chrono::seconds(20);
  std::size_t maxWaiting = 12;
  // The reviews' answers are kept this long (review_cache.h): a page's polls cost no new reviews.
  server::ReviewCacheOptions reviewCache;
};

// The headers every dashboard answer carries (the CSP and its companions).
void addSecurityHeaders(server::HttpResponse& response);

class Dashboard {
 public:
  Dashboard(approval::TokenReviewer& tokens, approval::AccessReviewer& access, ReleaseFeed& feed, const Clock& clock,
            runtime::Logger& logger, DashboardOptions options = {});

  // Adds the page's and the JSON routes to `server`.
  void install(server::HttpServer& server);

  server::HttpResponse asset(const server::HttpRequest& request);
  server::HttpResponse whoami(const server::HttpRequest& request);
  server::HttpResponse releases(const server::HttpRequest& request);
  server::HttpResponse release(const server::HttpRequest& request);

 private:
  // The version to answer at: waits when ?since names the current one. nullopt: a malformed ?since.
  std::optional<uint64_t> awaitChange(const server::HttpRequest& request);
  // 503 for a review that could not be made (logged: the operator's problem, not the caller's).
  server::HttpResponse unavailable(const Error& error);
  Result<bool> allowed(const approval::Identity& who, const std::string& verb, const std::string& namespace_,
                       const std::string& name);

  // The reviewers handed in, behind their caches.
  approval::TokenReviewerPtr tokens_;
  approval::AccessReviewerPtr access_;
  ReleaseFeed& feed_;
  const Clock& clock_;
  runtime::Logger& logger_;
  const DashboardOptions options_;
  std::atomic<std::size_t> waiting_{0};
};

}  // namespace aviary::dashboard
