#include "server/caller_identity.h"

#include "server/api_answers.h"

namespace aviary::server {

std::variant<Caller, HttpResponse> authenticateCaller(approval::TokenReviewer& tokens, const HttpRequest& request) {
  auto token = api_answers::bearerToken(request);
  if (!token) return api_answers::unauthorized("missing bearer token: send \"Authorization: Bearer <token>\"");
  auto verdict = tokens.authenticate(*token);
  if (!verdict) return api_answers::unavailable("cannot authenticate the caller", verdict.error());
  if (!verdict->authenticated) {
    return api_answers::unauthorized("invalid bearer token" + (verdict->reason.empty() ? "" : ": " + verdict->reason));
  }
  return Caller{verdict->identity, *token};
}

}  // namespace aviary::server
