#include "server/http_message.h"

#include <gtest/gtest.h>

namespace aviary::server::http {
namespace {

TEST(ParseRequestHead, RequestLineAndHeaders) {
  auto head = parseRequestHead(
      "POST /api/v1/approve?x=1 HTTP/1.1\r\n"
      "Host: localhost\r\n"
      "content-type:  application/json \r\n"
      "X-Many: a\r\n"
      "x-many: b\r\n");
  ASSERT_TRUE(head.ok()) << head.error().describe();
  EXPECT_EQ(head->method, "POST");
  EXPECT_EQ(head->target, "/api/v1/approve?x=1");
  EXPECT_EQ(head->minorVersion, 1);
  EXPECT_EQ(head->headers.at("Content-Type"), "application/json");
  EXPECT_EQ(head->headers.at("X-MANY"), "a, b");
}

TEST(ParseRequestHead, ToleratesBareLineFeedsAndHttp10) {
  auto head = parseRequestHead("GET / HTTP/1.0\nHost: x\n");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->minorVersion, 0);
  EXPECT_EQ(head->headers.at("host"), "x");
}

TEST(ParseRequestHead, RejectsMalformedHeads) {
  for (const char* bad : {"", "GET", "GET /", "GET / HTTP/2.0", "GET / FTP/1.1", "G(T / HTTP/1.1",
                          "GET  / HTTP/1.1", "GET / HTTP/1.1\r\nNoColon\r\n", "GET / HTTP/1.1\r\nBad Name: x\r\n",
                          "GET / HTTP/1.1\r\nA: x\r\n folded\r\n"}) {
    auto head = parseRequestHead(bad);
    ASSERT_FALSE(head.ok()) << bad;
    EXPECT_EQ(head.error().code, ErrorCode::BadRequest) << bad;
  }
}

TEST(ParseRequestHead, CountsHeaderLinesAgainstTheLimit) {
  std::string head = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 5; ++i) head += "X-" + std::to_string(i) + ": v\r\n";
  EXPECT_TRUE(parseRequestHead(head, 5).ok());
  auto refused = parseRequestHead(head + "Y: v\r\n", 5);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().httpStatus, 431);
  EXPECT_EQ(refused.error().code, ErrorCode::BadRequest);
}

TEST(ParseTarget, DecodesPathAndQuery) {
  HttpRequest request;
  std::string rawPath;
  ASSERT_TRUE(parseTarget("/a%20b/c%2Fd?x=1&y=two+words&z=%26%3D&flag&x=2#frag", rawPath, request).ok());
  EXPECT_EQ(rawPath, "/a%20b/c%2Fd");
  EXPECT_EQ(request.path, "/a b/c/d");
  EXPECT_EQ(request.query, (std::map<std::string, std::string>{{"x", "2"}, {"y", "two words"}, {"z", "&="}, {"flag", ""}}));
}

TEST(ParseTarget, AcceptsAbsoluteFormAndRejectsOthers) {
  HttpRequest request;
  std::string rawPath;
  ASSERT_TRUE(parseTarget("http://host:8080/metrics?a=b", rawPath, request).ok());
  EXPECT_EQ(request.path, "/metrics");
  EXPECT_EQ(request.query.at("a"), "b");
  ASSERT_TRUE(parseTarget("http://host", rawPath, request).ok());
  EXPECT_EQ(request.path, "/");
  EXPECT_FALSE(parseTarget("*", rawPath, request).ok());
  EXPECT_FALSE(parseTarget("relative", rawPath, request).ok());
  EXPECT_FALSE(parseTarget("/bad%zz", rawPath, request).ok());
  EXPECT_FALSE(parseTarget("/ok?bad=%4", rawPath, request).ok());
}

TEST(PercentDecode, Escapes) {
  EXPECT_EQ(percentDecode("a%41%62+c", false), "aAb+c");
  EXPECT_EQ(percentDecode("a+c", true), "a c");
  EXPECT_EQ(percentDecode("%", false), std::nullopt);
  EXPECT_EQ(percentDecode("%4", false), std::nullopt);
  EXPECT_EQ(percentDecode("%g0", false), std::nullopt);
}

TEST(KeepAlive, FollowsTheProtocolVersionAndConnectionHeader) {
  RequestHead head;
  EXPECT_TRUE(wantsKeepAlive(head));
  head.headers["Connection"] = "Upgrade, Close";
  EXPECT_FALSE(wantsKeepAlive(head));
  head.minorVersion = 0;
  head.headers.clear();
  EXPECT_FALSE(wantsKeepAlive(head));
  head.headers["connection"] = "keep-alive";
  EXPECT_TRUE(wantsKeepAlive(head));
}

TEST(ContentLength, ParsesOrRefuses) {
  RequestHead head;
  EXPECT_EQ(*contentLength(head), 0u);
  head.headers["Content-Length"] = "42";
  EXPECT_EQ(*contentLength(head), 42u);
  for (const char* bad : {"", "-1", "4x", "5, 5", " 5"}) {
    head.headers["Content-Length"] = bad;
    auto length = contentLength(head);
    ASSERT_FALSE(length.ok()) << bad;
    EXPECT_EQ(length.error().code, ErrorCode::BadRequest);
  }
  head.headers.clear();
  head.headers["Transfer-Encoding"] = "chunked";
  auto length = contentLength(head);
  ASSERT_FALSE(length.ok());
  EXPECT_EQ(length.error().code, ErrorCode::Invalid);
}

TEST(SerializeResponse, WritesStatusHeadersAndBody) {
  HttpResponse response;
  response.status = 404;
  response.contentType = "application/json";
  response.body = "{}";
  response.headers["X-Request-Id"] = "abc";
  response.headers["content-length"] = "999";  // the server's own header wins
  EXPECT_EQ(serializeResponse(response, true),
            "HTTP/1.1 404 Not Found\r\n"
            "Content-Type: application/json\r\n"
            "Content-Length: 2\r\n"
            "Connection: keep-alive\r\n"
            "X-Request-Id: abc\r\n"
            "\r\n{}");
}

TEST(SerializeResponse, HeaderValuesCannotInjectHeaders) {
  HttpResponse response;
  response.contentType = "";
  response.headers["X-Echo"] = "a\r\nSet-Cookie: evil";
  response.headers["Bad Name"] = "x";
  EXPECT_EQ(serializeResponse(response, false),
            "HTTP/1.1 200 OK\r\n"
            "Content-Length: 0\r\n"
            "Connection: close\r\n"
            "X-Echo: aSet-Cookie: evil\r\n"
            "\r\n");
}

TEST(HttpResponse, JsonErrorEscapesAndReplacesInvalidUtf8) {
  HttpResponse response = HttpResponse::jsonError(400, "bad \"x\" \xff");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.contentType, "application/json");
  EXPECT_EQ(response.body, "{\"error\":\"bad \\\"x\\\" \xEF\xBF\xBD\"}");
}

TEST(HttpRequest, HeaderLookupIsCaseInsensitive) {
  HttpRequest request;
  request.headers["Authorization"] = "Bearer t";
  EXPECT_EQ(request.header("authorization"), "Bearer t");
  EXPECT_EQ(request.header("AUTHORIZATION"), "Bearer t");
  EXPECT_EQ(request.header("X-Missing", "none"), "none");
}

}  // namespace
}  // namespace aviary::server::http
