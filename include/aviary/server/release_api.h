#pragma once
// The operator's HTTP API for CI systems and dashboards (docs/http-api.md):
//   POST /api/v1/namespaces/{ns}/modelreleases/{name}/approve   body {"comment": "..."}, optional
//   POST /api/v1/namespaces/{ns}/modelreleases/{name}/reject    body {"comment": "..."}, optional
//   POST /api/v1/namespaces/{ns}/modelreleases/{name}/promote   body {"full": true}, optional
//   POST /api/v1/namespaces/{ns}/modelreleases/{name}/abort
//   POST /api/v1/namespaces/{ns}/modelreleases/{name}/retry    (a rolled back release, same version)
// Every request goes the same way, each step with its own answer:
//   1. authentication: the Authorization: Bearer token through a TokenReview      → 401
//   2. authorization: a SubjectAccessReview for that user and groups: verb `approve` on the release
//      for approve/reject, `patch` for promote/abort/retry                             → 403
//   3. the release must exist (and be in the operator's namespace when it has one)  → 404;
//      approve/reject: it must be waiting at an approval step                      → 409,
//      whose users/groups admit the caller                                          → 403
//   4. the write, with the caller's own token (release_store.h): a ReleaseApproval with
//      approvedBy = the reviewed user, or the aviary.dev/request annotations with
//      aviary.dev/requested-by = the reviewed user (requestPatch)                 → 202
//      (the API server's refusals are relayed with their status: 403, 404, 409, 422...).
// Failures to reach the API server for a review or read answer 503: an outage, not a verdict.
// Every answer is JSON; errors are {"error": "..."}.
//
// Thread-safety: handle() runs on the server's threads, several at once. Ownership: the reviewers,
// store and logger must outlive the routes (stop the server first).

#include <functional>
#include <string>

#include "aviary/approval/access_reviewer.h"
#include "aviary/approval/token_reviewer.h"
#include "aviary/runtime/log.h"
#include "aviary/server/http_server.h"
#include "aviary/server/release_store.h"

namespace aviary::server {

enum class ReleaseAction { Approve, Reject, Promote, Abort, Retry };

// The merge patch asking the operator for `request` (promote|promote-full|abort|rollback|retry): the
// annotations aviary.dev/request, aviary.dev/request-id and aviary.dev/requested-by = `requestedBy`,
// which the admission policy aviary-request-identity accepts only from that very user. An empty
// `requestedBy` removes the annotation, so the request is recorded as unverified, never under the
// name a previous request left. The one request writer of the CLI, the HTTP API and the dashboard.
nlohmann::json requestPatch(const std::string& request, const std::string& id, const std::string& requestedBy);

// Unique ids for the aviary.dev/request-id annotation (the planner acts once per id).
using RequestIdSource = std::function<std::string()>;
// "api-" and 16 random hex digits.
RequestIdSource randomRequestIds();

class ReleaseApi {
 public:
  // namespace_: the one namespace the operator reconciles, "" for all; releases elsewhere are 404.
  ReleaseApi(approval::TokenReviewer& tokens, approval::AccessReviewer& access, ReleaseStore& store,
             runtime::Logger& logger, RequestIdSource requestIds, std::string namespace_);

  // Adds the five POST routes to `server`.
  void install(HttpServer& server);
  // One request to the route of `action` (pathParams "namespace" and "name" filled in).
  HttpResponse handle(ReleaseAction action, const HttpRequest& request);

 private:
  struct Call;
  HttpResponse respond(Call& call, const HttpRequest& request);
  HttpResponse decide(const Call& call, const approval::Identity& who, const std::string& token,
                      const std::string& comment);
  HttpResponse submitRequest(const Call& call, const approval::Identity& who, const std::string& token, bool full);
  HttpResponse logged(const Call& call, HttpResponse response);

  approval::TokenReviewer& tokens_;
  approval::AccessReviewer& access_;
  ReleaseStore& store_;
  runtime::Logger& logger_;
  RequestIdSource requestIds_;
  std::string namespace_;
};

}  // namespace aviary::server
