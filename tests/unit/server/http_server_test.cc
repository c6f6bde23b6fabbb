#include "aviary/server/http_server.h"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "unit/server/test_client.h"

namespace aviary::server {
namespace {

using testing::Client;
using testing::rawExchange;
using testing::Reply;

HttpResponse echo(const HttpRequest& request) {
  HttpResponse response;
  response.contentType = "text/plain";
  std::string body = request.method + " " + request.path;
  for (const auto& [name, value] : request.pathParams) body += " param:" + name + "=" + value;
  for (const auto& [name, value] : request.query) body += " query:" + name + "=" + value;
  body += " token=" + request.header("x-token");
  body += " body=" + request.body;
  response.body = body;
  response.headers["X-Echo"] = "yes";
  return response;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.addRoute("GET", "/echo/{ns}/{name}", echo);
    server_.addRoute("POST", "/echo/{ns}/{name}", echo);
    server_.addRoute("GET", "/boom", [](const HttpRequest&) -> HttpResponse { throw std::runtime_error("kaput"); });
    Status started = server_.start("127.0.0.1:0");
    ASSERT_TRUE(started.ok()) << started.error().describe();
    ASSERT_GT(server_.port(), 0);
  }

  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(server_.port()) + path; }

  HttpServer server_;
  Client client_;
};

TEST_F(HttpServerTest, RoutesWithParamsQueryHeadersAndBody) {
  Reply reply = client_.call("POST", url("/echo/ml/fraud%20scorer?dry-run=true&who=a+b"), "{\"x\":1}",
                             {{"X-TOKEN", "t0k"}});
  ASSERT_EQ(reply.transportError, "");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.headers["content-type"], "text/plain");
  EXPECT_EQ(reply.headers["x-echo"], "yes");
  EXPECT_EQ(reply.body,
            "POST /echo/ml/fraud scorer param:name=fraud scorer param:ns=ml query:dry-run=true query:who=a b "
            "token=t0k body={\"x\":1}");
}

TEST_F(HttpServerTest, ErrorsAreJson) {
  Reply missing = client_.call("GET", url("/nope"));
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.headers["content-type"], "application/json");
  EXPECT_EQ(missing.body, "{\"error\":\"no route for /nope\"}");

  Reply wrongMethod = client_.call("DELETE", url("/echo/a/b"));
  EXPECT_EQ(wrongMethod.status, 405);
  EXPECT_EQ(wrongMethod.headers["allow"], "GET, POST");

  Reply thrown = client_.call("GET", url("/boom"));
  EXPECT_EQ(thrown.status, 500);
  EXPECT_EQ(thrown.body, "{\"error\":\"handler failed: kaput\"}");

  // The server keeps serving after each of them.
  EXPECT_EQ(client_.call("GET", url("/echo/a/b")).status, 200);
}

TEST_F(HttpServerTest, KeepsOneConnectionAlive) {
  for (int i = 0; i < 5; ++i) ASSERT_EQ(client_.call("GET", url("/echo/a/b")).status, 200);
  EXPECT_EQ(client_.connectsSoFar(), 1);
}

TEST_F(HttpServerTest, LargeBodyWithExpectContinue) {
  std::string body(200 * 1024, 'x');  // curl sends Expect: 100-continue above 1 KiB
  Reply reply = client_.call("POST", url("/echo/a/b"), body);
  ASSERT_EQ(reply.status, 200) << reply.transportError;
  EXPECT_EQ(reply.body.size(), std::string("POST /echo/a/b param:name=b param:ns=a token= body=").size() + body.size());
}

TEST_F(HttpServerTest, ConcurrentRequests) {
  constexpr int kThreads = 4;
  constexpr int kRequests = 25;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Client client;
      for (int i = 0; i < kRequests; ++i) {
        std::string name = std::to_string(t) + "-" + std::to_string(i);
        Reply reply = client.call("GET", url("/echo/ns/" + name));
        if (reply.status == 200 && reply.body.find("param:name=" + name + " ") != std::string::npos) ++ok;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(ok.load(), kThreads * kRequests);
}

TEST_F(HttpServerTest, RoutesAddedWhileRunningAreServed) {
  EXPECT_EQ(client_.call("GET", url("/late")).status, 404);
  server_.addRoute("GET", "/late", [](const HttpRequest&) { return HttpResponse{200, "text/plain", "late", {}}; });
  EXPECT_EQ(client_.call("GET", url("/late")).body, "late");
}

TEST_F(HttpServerTest, StopClosesTheListenerAndTheServerCanStartAgain) {
  int port = server_.port();
  ASSERT_EQ(client_.call("GET", url("/echo/a/b")).status, 200);  // a kept-alive connection exists
  server_.stop();
  EXPECT_FALSE(server_.running());
  EXPECT_EQ(server_.port(), 0);
  server_.stop();  // idempotent
  Client fresh;
  Reply refused = fresh.call("GET", "http://127.0.0.1:" + std::to_string(port) + "/echo/a/b");
  EXPECT_EQ(refused.status, 0);
  EXPECT_NE(refused.transportError, "");

  ASSERT_TRUE(server_.start("127.0.0.1:" + std::to_string(port)).ok());  // same port, right away
  EXPECT_EQ(fresh.call("GET", url("/echo/a/b")).status, 200);
}

TEST_F(HttpServerTest, StartingTwiceIsAConflict) {
  Status again = server_.start("127.0.0.1:0");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::Conflict);
}

TEST_F(HttpServerTest, APortInUseIsAClearError) {
  HttpServer other;
  Status status = other.start("127.0.0.1:" + std::to_string(server_.port()));
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::Unavailable);
  EXPECT_NE(status.error().message.find("Address already in use"), std::string::npos) << status.error().message;
  EXPECT_FALSE(other.running());
}

TEST(HttpServerAddress, MalformedAddressesAreInvalidSpec) {
  HttpServer server;
  for (const char* bad : {"", "8080", "host:", "host:http", "host:70000", "[::1]8080", "[::1"}) {
    Status status = server.start(bad);
    ASSERT_FALSE(status.ok()) << bad;
    EXPECT_EQ(status.error().code, ErrorCode::InvalidSpec) << bad;
  }
  Status unknown = server.start("no-such-host.invalid:0");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::Unavailable);
}

TEST(HttpServerAddress, ListensOnIpv6LoopbackAndAllInterfaces) {
  HttpServer all;
  ASSERT_TRUE(all.start(":0").ok());
  Client client;
  all.addRoute("GET", "/x", [](const HttpRequest&) { return HttpResponse{}; });
  EXPECT_EQ(client.call("GET", "http://127.0.0.1:" + std::to_string(all.port()) + "/x").status, 200);

  HttpServer v6;
  if (!v6.start("[::1]:0").ok()) GTEST_SKIP() << "no IPv6 loopback on this machine";
  v6.addRoute("GET", "/x", [](const HttpRequest& request) { return HttpResponse{200, "", request.remoteAddress, {}}; });
  Reply reply = client.call("GET", "http://[::1]:" + std::to_string(v6.port()) + "/x");
  EXPECT_EQ(reply.status, 200);
  EXPECT_TRUE(reply.body.starts_with("::1:")) << reply.body;
}

TEST_F(HttpServerTest, MalformedRequestsAre400AndClosed) {
  std::string reply = rawExchange(server_.port(), "NONSENSE\r\n\r\n");
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 400 Bad Request\r\n")) << reply;
  EXPECT_NE(reply.find("Connection: close"), std::string::npos);
  reply = rawExchange(server_.port(), "GET /echo/a/b HTTP/1.1\r\nContent-Length: zz\r\n\r\n");
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 400 ")) << reply;
  reply = rawExchange(server_.port(), "GET /echo/a/%zz HTTP/1.1\r\n\r\n");
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 400 ")) << reply;
}

TEST_F(HttpServerTest, ChunkedBodiesAre411) {
  std::string reply = rawExchange(server_.port(),
                                  "POST /echo/a/b HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 411 Length Required\r\n")) << reply;
}

TEST_F(HttpServerTest, Http10ClosesAfterTheAnswerAndPipelinedRequestsAreServedInOrder) {
  std::string reply = rawExchange(server_.port(), "GET /echo/a/b HTTP/1.0\r\n\r\n");
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 200 OK\r\n")) << reply;
  EXPECT_NE(reply.find("Connection: close"), std::string::npos);

  reply = rawExchange(server_.port(),
                      "POST /echo/a/first HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"
                      "GET /echo/a/second HTTP/1.1\r\nConnection: close\r\n\r\n");
  std::size_t first = reply.find("param:name=first");
  std::size_t second = reply.find("param:name=second");
  ASSERT_NE(first, std::string::npos) << reply;
  ASSERT_NE(second, std::string::npos) << reply;
  EXPECT_LT(first, second);
  EXPECT_NE(reply.find("body=abc"), std::string::npos);
}

TEST(HttpServerLimits, TooManyHeaderLinesAreRefused) {
  HttpServerOptions options;
  options.maxHeaderCount = 20;
  HttpServer server(options);
  server.addRoute("GET", "/x", [](const HttpRequest&) { return HttpResponse{}; });
  ASSERT_TRUE(server.start("127.0.0.1:0").ok());
  auto withHeaders = [](int n) {
    std::string request = "GET /x HTTP/1.1\r\nConnection: close\r\n";
    for (int i = 1; i < n; ++i) request += "X-H" + std::to_string(i) + ": v\r\n";
    return request + "\r\n";
  };
  std::string reply = rawExchange(server.port(), withHeaders(21));
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 431 ")) << reply;
  EXPECT_NE(reply.find("more than 20 header lines"), std::string::npos) << reply;
  reply = rawExchange(server.port(), withHeaders(20));
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 200 ")) << reply;
  // Repeats of one header count one line each.
  std::string repeated = "GET /x HTTP/1.1\r\n";
  for (int i = 0; i < 30; ++i) repeated += "X-Same: v\r\n";
  reply = rawExchange(server.port(), repeated + "\r\n");
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 431 ")) << reply;
}

TEST(HttpServerLimits, OversizedHeadAndBodyAreRefused) {
  HttpServerOptions options;
  options.maxHeaderBytes = 1024;
  options.maxBodyBytes = 100;
  HttpServer server(options);
  server.addRoute("POST", "/x", [](const HttpRequest&) { return HttpResponse{}; });
  ASSERT_TRUE(server.start("127.0.0.1:0").ok());

  std::string reply = rawExchange(server.port(), "POST /x HTTP/1.1\r\nX-Big: " + std::string(2000, 'a') + "\r\n\r\n");
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 431 ")) << reply;

  // Refused while the client is still sending: the answer must arrive all the same.
  reply = rawExchange(server.port(), "POST /x HTTP/1.1\r\nContent-Length: 5000\r\n\r\n" + std::string(5000, 'b'));
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 413 ")) << reply;

  Client client;
  Reply viaCurl = client.call("POST", "http://127.0.0.1:" + std::to_string(server.port()) + "/x", std::string(101, 'c'));
  EXPECT_EQ(viaCurl.status, 413) << viaCurl.transportError;
  EXPECT_EQ(client.call("POST", "http://127.0.0.1:" + std::to_string(server.port()) + "/x", std::string(100, 'c')).status,
            200);
}

TEST(HttpServerLimits, IdleConnectionsAreClosed) {
  HttpServerOptions options;
  options.idleTimeout = std::chrono::milliseconds(50);
  HttpServer server(options);
  ASSERT_TRUE(server.start("127.0.0.1:0").ok());
  // A request that never finishes: the server closes the connection, so the read ends (well before the
  // client's own 5 s receive timeout) with nothing received.
  auto started = std::chrono::steady_clock::now();
  std::string reply = rawExchange(server.port(), "GET /x HTTP/1.1\r\n");
  EXPECT_EQ(reply, "");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(4));
}

TEST(HttpServerLimits, ConnectionsBeyondTheLimitAreClosed) {
  HttpServerOptions options;
  options.maxConnections = 1;
  HttpServer server(options);
  server.addRoute("GET", "/x", [](const HttpRequest&) { return HttpResponse{}; });
  ASSERT_TRUE(server.start("127.0.0.1:0").ok());
  Client holder;  // keeps its connection open between calls
  std::string base = "http://127.0.0.1:" + std::to_string(server.port());
  ASSERT_EQ(holder.call("GET", base + "/x").status, 200);
  EXPECT_EQ(rawExchange(server.port(), "GET /x HTTP/1.1\r\n\r\n"), "");
}

}  // namespace
}  // namespace aviary::server
