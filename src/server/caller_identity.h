#pragma once
// Step 1 of every authenticated request (the release API's and the dashboard's): the Authorization:
// Bearer token through a TokenReview. Either the caller's identity or the answer to send instead:
// 401 (no token, a token the API server rejects) or 503 (the review could not be made).

#include <string>
#include <variant>

#include "aviary/approval/token_reviewer.h"
#include "aviary/server/http_server.h"

namespace aviary::server {

struct Caller {
  approval::Identity identity;
  std::string token;  // for writes made as the caller; never logged or kept past the request
};

std::variant<Caller, HttpResponse> authenticateCaller(approval::TokenReviewer& tokens, const HttpRequest& request);

}  // namespace aviary::server
