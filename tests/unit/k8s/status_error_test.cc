#include <gtest/gtest.h>

#include "k8s/status_error.h"

namespace aviary::k8s {
namespace {

std::string status(int code, const std::string& reason, const std::string& message, const Json& details = nullptr) {
  Json s = {{"kind", "Status"}, {"apiVersion", "v1"}, {"status", "Failure"}, {"code", code},
            {"reason", reason}, {"message", message}};
  if (!details.is_null()) s["details"] = details;
  return s.dump();
}

struct Row {
  long http;
  std::string reason;
  ErrorCode expected;
};

TEST(StatusError, MapsEveryStatusTheClientMeets) {
  const Row rows[] = {
      {400, "BadRequest", ErrorCode::BadRequest},
      {401, "Unauthorized", ErrorCode::Unauthorized},
      {403, "Forbidden", ErrorCode::Forbidden},
      {404, "NotFound", ErrorCode::NotFound},
      {405, "MethodNotAllowed", ErrorCode::BadRequest},
      {409, "AlreadyExists", ErrorCode::AlreadyExists},
      {409, "Conflict", ErrorCode::Conflict},
      {410, "Gone", ErrorCode::Gone},
      {410, "Expired", ErrorCode::Gone},
      {412, "", ErrorCode::Conflict},
      {422, "Invalid", ErrorCode::Invalid},
      {429, "TooManyRequests", ErrorCode::TooManyRequests},
      {500, "InternalError", ErrorCode::Unavailable},
      {503, "ServiceUnavailable", ErrorCode::Unavailable},
      {504, "Timeout", ErrorCode::Timeout},
      {500, "Timeout", ErrorCode::Timeout},
  };
  for (const Row& row : rows) {
    Error error = statusError(row.http, status(static_cast<int>(row.http), row.reason, "the server said so"), {}, "GET /x");
    EXPECT_EQ(error.code, row.expected) << row.http << " " << row.reason << " → " << error.describe();
    EXPECT_EQ(error.httpStatus, row.http);
    EXPECT_EQ(error.message, "GET /x: the server said so");
  }
}

TEST(StatusError, InvalidAppendsCauseFieldsTheMessageLacks) {
  Json details = {{"causes", {{{"reason", "FieldValueRequired"}, {"message", "Required value"}, {"field", "spec.model.name"}},
                              {{"reason", "FieldValueInvalid"}, {"message", "Invalid value"}, {"field", "metadata.name"}}}}};
  Error error = statusError(422, status(422, "Invalid", "ModelRelease \"x\" is invalid: metadata.name: Invalid value", details),
                            {}, "POST /apis/aviary.dev/v1alpha1/namespaces/ml/modelreleases");
  EXPECT_EQ(error.code, ErrorCode::Invalid);
  EXPECT_NE(error.message.find("metadata.name: Invalid value"), std::string::npos);
  EXPECT_NE(error.message.find("[spec.model.name: Required value]"), std::string::npos) << error.message;
}

TEST(StatusError, RetryAfterFromHeaderOrDetails) {
  Error fromHeader = statusError(429, status(429, "TooManyRequests", "slow down"), {{"retry-after", "7"}}, "GET /x");
  EXPECT_EQ(fromHeader.retryAfterSeconds, 7);
  Error fromDetails = statusError(429, status(429, "TooManyRequests", "slow down", {{"retryAfterSeconds", 3}}), {}, "GET /x");
  EXPECT_EQ(fromDetails.retryAfterSeconds, 3);
  EXPECT_EQ(fromDetails.code, ErrorCode::TooManyRequests);
}

TEST(StatusError, NonStatusBodyKeepsTheText) {
  Error error = statusError(502, "<html>bad gateway</html>", {}, "GET /x");
  EXPECT_EQ(error.code, ErrorCode::Unavailable);
  EXPECT_EQ(error.message, "GET /x: HTTP 502: <html>bad gateway</html>");
  Error empty = statusError(403, "", {}, "GET /y");
  EXPECT_EQ(empty.code, ErrorCode::Forbidden);
  EXPECT_EQ(empty.message, "GET /y: HTTP 403");
}

TEST(StatusError, WatchErrorEventStatusUsesItsCode) {
  Json gone = Json::parse(status(410, "Expired", "too old resource version: 1 (4242)"));
  Error error = statusObjectError(gone, "WATCH /api/v1/configmaps");
  EXPECT_EQ(error.code, ErrorCode::Gone);
  EXPECT_EQ(error.httpStatus, 410);
  EXPECT_NE(error.message.find("too old resource version"), std::string::npos);
  EXPECT_EQ(statusObjectError(Json::object(), "WATCH /x").code, ErrorCode::Internal);
}

}  // namespace
}  // namespace aviary::k8s
