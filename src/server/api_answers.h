#pragma once
// The pieces of an API exchange that are plain HTTP: the bearer token, the JSON body, the answers.
// Pure functions, tested without a socket.

#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "aviary/common/result.h"
#include "aviary/server/http_server.h"

namespace aviary::server::api_answers {

// The token of "Authorization: Bearer <token>" (scheme case-insensitive); nullopt when absent, of
// another scheme, or empty.
std::optional<std::string> bearerToken(const HttpRequest& request);

// The body as a JSON object: empty means {}; BadRequest when it is not an object or has a member
// outside `allowed` (a typo such as "ful" must not silently do less than asked).
Result<nlohmann::json> jsonObjectBody(const std::string& body, const std::set<std::string>& allowed);

HttpResponse json(int status, const nlohmann::json& body);
// 401 with WWW-Authenticate: Bearer.
HttpResponse unauthorized(const std::string& message);
// A failure to reach the API server for a review or a read: 503, whatever the server said, since it is
// about the operator's call, not the caller.
HttpResponse unavailable(const std::string& what, const Error& error);
// The API server's refusal of the caller's own write, relayed: its 4xx status and message; 503 when
// it could not be reached or answered 5xx.
HttpResponse relay(const Error& error);

}  // namespace aviary::server::api_answers
