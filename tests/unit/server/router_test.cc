#include "server/router.h"

#include <stdexcept>

#include <gtest/gtest.h>

namespace aviary::server {
namespace {

HttpHandler answer(std::string body) {
  return [body](const HttpRequest&) {
    HttpResponse response;
    response.body = body;
    return response;
  };
}

HttpResponse call(const Router& router, const std::string& method, const std::string& rawPath,
                  HttpRequest* seen = nullptr) {
  HttpRequest request;
  request.method = method;
  request.path = rawPath;
  HttpResponse response = router.dispatch(rawPath, request);
  if (seen != nullptr) *seen = request;
  return response;
}

TEST(Router, MatchesLiteralRoutes) {
  Router router;
  router.add("GET", "/healthz", answer("h"));
  router.add("GET", "/", answer("root"));
  EXPECT_EQ(call(router, "GET", "/healthz").body, "h");
  EXPECT_EQ(call(router, "GET", "/").body, "root");
  EXPECT_EQ(call(router, "GET", "/healthz/").status, 404);
  EXPECT_EQ(call(router, "GET", "/healthzz").status, 404);
}

TEST(Router, CapturesDecodedPathParameters) {
  Router router;
  router.add("GET", "/api/v1/releases/{ns}/{name}", [](const HttpRequest& request) {
    HttpResponse response;
    response.body = request.pathParams.at("ns") + "|" + request.pathParams.at("name");
    return response;
  });
  EXPECT_EQ(call(router, "GET", "/api/v1/releases/ml/fraud-scorer").body, "ml|fraud-scorer");
  // An encoded slash stays inside its segment.
  EXPECT_EQ(call(router, "GET", "/api/v1/releases/ml/a%2Fb").body, "ml|a/b");
  EXPECT_EQ(call(router, "GET", "/api/v1/releases/ml").status, 404);
  EXPECT_EQ(call(router, "GET", "/api/v1/releases/ml//").status, 404);  // a parameter is never empty
  EXPECT_EQ(call(router, "GET", "/api/v1/releases/ml/%zz").status, 400);
}

TEST(Router, LiteralSegmentsWinOverParameters) {
  Router router;
  router.add("GET", "/releases/{name}", answer("param"));
  router.add("GET", "/releases/all", answer("literal"));
  router.add("GET", "/{kind}/x", answer("leading-param"));
  EXPECT_EQ(call(router, "GET", "/releases/all").body, "literal");
  EXPECT_EQ(call(router, "GET", "/releases/one").body, "param");
  EXPECT_EQ(call(router, "GET", "/releases/x").body, "param");  // the leftmost literal decides
}

TEST(Router, WrongMethodIs405WithAllow) {
  Router router;
  router.add("GET", "/thing/{id}", answer("get"));
  router.add("DELETE", "/thing/{id}", answer("delete"));
  HttpResponse response = call(router, "POST", "/thing/1");
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(response.headers.at("allow"), "DELETE, GET");
  EXPECT_EQ(response.contentType, "application/json");
  EXPECT_EQ(call(router, "DELETE", "/thing/1").body, "delete");
}

TEST(Router, UnknownPathIs404WithJsonError) {
  Router router;
  HttpResponse response = call(router, "GET", "/nothing");
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.body, "{\"error\":\"no route for /nothing\"}");
}

TEST(Router, ThrowingHandlerIs500WithJsonError) {
  Router router;
  router.add("GET", "/boom", [](const HttpRequest&) -> HttpResponse { throw std::runtime_error("kaput"); });
  router.add("GET", "/odd", [](const HttpRequest&) -> HttpResponse { throw 42; });
  HttpResponse response = call(router, "GET", "/boom");
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(response.body, "{\"error\":\"handler failed: kaput\"}");
  EXPECT_EQ(call(router, "GET", "/odd").body, "{\"error\":\"handler failed\"}");
}

TEST(Router, AddingARouteAgainReplacesItsHandler) {
  Router router;
  router.add("GET", "/x", answer("old"));
  router.add("GET", "/x", answer("new"));
  EXPECT_EQ(call(router, "GET", "/x").body, "new");
}

TEST(Router, AHandlerMayAddRoutes) {
  Router router;
  router.add("POST", "/register", [&router](const HttpRequest&) {
    router.add("GET", "/late", answer("late"));
    return HttpResponse{};
  });
  EXPECT_EQ(call(router, "GET", "/late").status, 404);
  EXPECT_EQ(call(router, "POST", "/register").status, 200);
  EXPECT_EQ(call(router, "GET", "/late").body, "late");
}

}  // namespace
}  // namespace aviary::server
