#include "server/api_answers.h"

#include <strings.h>

namespace aviary::server::api_answers {

std::optional<std::string> bearerToken(const HttpRequest& request) {
  const std::string value = request.header("Authorization");
  constexpr std::string_view kScheme = "bearer ";
  if (value.size() <= kScheme.size() || strncasecmp(value.c_str(), kScheme.data(), kScheme.size()) != 0) {
    return std::nullopt;
  }
  const auto begin = value.find_first_not_of(' ', kScheme.size());
  if (begin == std::string::npos) return std::nullopt;
  const auto end = value.find_last_not_of(' ');
  return value.substr(begin, end - begin + 1);
}

Result<nlohmann::json> jsonObjectBody(const std::string& body, const std::set<std::string>& allowed) {
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) return nlohmann::json::object();
  auto parsed = nlohmann::json::parse(body, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return makeError(ErrorCode::BadRequest, "the body must be a JSON object");
  }
  for (const auto& [field, value] : parsed.items()) {
    if (!allowed.count(field)) {
      std::string known;
      for (const auto& name : allowed) known += (known.empty() ? "" : ", ") + name;
      return makeError(ErrorCode::BadRequest, "unknown field \"" + field + "\" in the body" +
                                                  (known.empty() ? " (this action takes none)" : " (known: " + known + ")"));
    }
  }
  return parsed;
}

HttpResponse json(int status, const nlohmann::json& body) {
  HttpResponse response;
  response.status = status;
  response.contentType = "application/json";
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

HttpResponse unauthorized(const std::string& message) {
  HttpResponse response = HttpResponse::jsonError(401, message);
  response.headers["WWW-Authenticate"] = "Bearer realm=\"aviary\"";
  return response;
}

HttpResponse unavailable(const std::string& what, const Error& error) {
  return HttpResponse::jsonError(503, what + ": " + error.message);
}

HttpResponse relay(const Error& error) {
  if (error.httpStatus >= 400 && error.httpStatus < 500) return HttpResponse::jsonError(error.httpStatus, error.message);
  return unavailable("the API server did not complete the write", error);
}

}  // namespace aviary::server::api_answers
