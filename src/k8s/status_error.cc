#include "k8s/status_error.h"

#include <cstdlib>

namespace aviary::k8s {

namespace {

ErrorCode codeFor(long httpStatus, const std::string& reason) {
  // The reason disambiguates statuses that mean two things; it wins where Kubernetes defines one.
  if (reason == "AlreadyExists") return ErrorCode::AlreadyExists;
  if (reason == "Expired" || reason == "Gone") return ErrorCode::Gone;
  if (reason == "Timeout" || reason == "ServerTimeout") return ErrorCode::Timeout;
  switch (httpStatus) {
    case 400: return ErrorCode::BadRequest;
    case 401: return ErrorCode::Unauthorized;
    case 403: return ErrorCode::Forbidden;
    case 404: return ErrorCode::NotFound;
    case 409: return ErrorCode::Conflict;
    case 410: return ErrorCode::Gone;
    case 412: return ErrorCode::Conflict;  // precondition failed
    case 422: return ErrorCode::Invalid;
    case 429: return ErrorCode::TooManyRequests;
    case 504: return ErrorCode::Timeout;
    default: break;
  }
  if (httpStatus >= 500) return ErrorCode::Unavailable;
  if (httpStatus >= 400) return ErrorCode::BadRequest;
  return ErrorCode::Internal;  // a non-error status handed here is a bug in the caller
}

// 422 messages usually name the fields already; the causes are appended only when they add one.
std::string withCauses(std::string message, const Json& details) {
  auto causes = details.find("causes");
  if (causes == details.end() || !causes->is_array()) return message;
  std::string extra;
  for (const Json& cause : *causes) {
    std::string field = cause.value("field", "");
    if (field.empty() || message.find(field) != std::string::npos) continue;
    if (!extra.empty()) extra += "; ";
    extra += field + ": " + cause.value("message", cause.value("reason", ""));
  }
  return extra.empty() ? message : message + " [" + extra + "]";
}

int retryAfterSeconds(const std::map<std::string, std::string>& headers, const Json& details) {
  auto header = headers.find("retry-after");
  if (header != headers.end()) {
    // Only the delta-seconds form; the HTTP-date form is not used by the API server.
    int seconds = std::atoi(header->second.c_str());
    if (seconds > 0) return seconds;
  }
  auto fromDetails = details.find("retryAfterSeconds");
  if (fromDetails != details.end() && fromDetails->is_number_integer()) return fromDetails->get<int>();
  return 0;
}

Error fromStatus(long httpStatus, const Json& status, const std::map<std::string, std::string>& headers,
                 const std::string& context) {
  static const Json kNoDetails = Json::object();
  std::string reason = status.value("reason", "");
  auto detailsIt = status.find("details");
  const Json& details = detailsIt != status.end() && detailsIt->is_object() ? *detailsIt : kNoDetails;
  std::string message = status.value("message", "");
  if (message.empty()) message = reason.empty() ? "HTTP " + std::to_string(httpStatus) : reason;
  Error error;
  error.code = codeFor(httpStatus, reason);
  error.httpStatus = static_cast<int>(httpStatus);
  error.message = context + ": " + (error.code == ErrorCode::Invalid ? withCauses(message, details) : message);
  error.retryAfterSeconds = retryAfterSeconds(headers, details);
  return error;
}

}  // namespace

Error statusError(long httpStatus, const std::string& body, const std::map<std::string, std::string>& headers,
                  const std::string& context) {
  Json parsed = Json::parse(body, nullptr, false);
  if (!parsed.is_discarded() && parsed.is_object() && parsed.value("kind", "") == "Status") {
    return fromStatus(httpStatus, parsed, headers, context);
  }
  // Not a Status (a proxy in between, or a plain-text answer): keep what was said, shortened.
  Json synthetic = {{"message", "HTTP " + std::to_string(httpStatus) + (body.empty() ? "" : ": " + body.substr(0, 500))}};
  return fromStatus(httpStatus, synthetic, headers, context);
}

Error statusObjectError(const Json& status, const std::string& context) {
  long code = status.is_object() ? status.value("code", 0L) : 0L;
  return fromStatus(code, status.is_object() ? status : Json::object(), {}, context);
}

}  // namespace aviary::k8s
