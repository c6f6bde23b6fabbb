// CurlTransport against sockets on loopback (plain HTTP; TLS and client certificates are exercised
// against the real kube-apiserver in tests/integration/k8s).

#include <gtest/gtest.h>

#include "aviary/k8s/http_transport.h"
#include "unit/k8s/loopback_server.h"
#include "unit/k8s/temp_dir.h"

namespace aviary::k8s {
namespace {

using std::chrono::milliseconds;

HttpTransportPtr transportTo(const std::string& server, RestConfig config = {}) {
  config.server = server;
  auto transport = makeCurlTransport(config, "aviary-test");
  EXPECT_TRUE(transport.ok());
  return std::move(transport).value();
}

std::string chunked(const std::vector<std::string>& chunks, const std::string& head) {
  std::string out = head + "Transfer-Encoding: chunked\r\n\r\n";
  for (const auto& chunk : chunks) {
    char size[16];
    std::snprintf(size, sizeof size, "%zx", chunk.size());
    out += std::string(size) + "\r\n" + chunk + "\r\n";
  }
  return out + "0\r\n\r\n";
}

TEST(CurlTransport, ConnectionRefusedIsUnavailable) {
  auto transport = transportTo("http://127.0.0.1:" + std::to_string(testing::LoopbackServer::closedPort()));
  auto response = transport->perform(HttpRequest{"GET", "/api/v1/namespaces?limit=5", {}, "", milliseconds(2000)});
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, ErrorCode::Unavailable);
  EXPECT_NE(response.error().message.find("/api/v1/namespaces"), std::string::npos);
  EXPECT_EQ(response.error().message.find("limit=5"), std::string::npos);  // queries stay out of messages
}

TEST(CurlTransport, ServerThatNeverAnswersIsTimeout) {
  testing::LoopbackServer silent;  // listens, never accepts
  auto response = transportTo(silent.url())->perform(HttpRequest{"GET", "/", {}, "", milliseconds(200)});
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, ErrorCode::Timeout);
}

TEST(CurlTransport, StopFlagEndsAStreamWithoutAnError) {
  testing::LoopbackServer silent;
  std::atomic<bool> stop{true};
  auto response = transportTo(silent.url())->stream(HttpRequest{"GET", "/watch", {}, "", milliseconds(0)},
                                                     [](std::string_view) { return true; }, stop);
  EXPECT_TRUE(response.ok()) << response.error().describe();
}

TEST(CurlTransport, SendsAuthImpersonationAndBodyAndReadsHeaders) {
  testing::TempDir dir;
  RestConfig config;
  config.tokenFile = dir.write("token", "file-token\n");
  config.impersonateUser = "alice";
  config.impersonateGroups = {"devs"};
  testing::LoopbackServer server({"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nRetry-After:  5 \r\n"
                                  "Content-Length: 2\r\n\r\n{}"});
  auto response = transportTo(server.url(), config)->perform(
      HttpRequest{"PATCH", "/x", {{"Content-Type", "application/merge-patch+json"}}, "{\"a\":1}", milliseconds(2000)});
  ASSERT_TRUE(response.ok()) << response.error().describe();
  EXPECT_EQ(response->status, 201);
  EXPECT_EQ(response->body, "{}");
  EXPECT_EQ(response->headers.at("retry-after"), "5");
  std::string request = server.requests().at(0);
  EXPECT_EQ(request.rfind("PATCH /x HTTP/1.1\r\n", 0), 0u) << request;
  EXPECT_NE(request.find("Authorization: Bearer file-token\r\n"), std::string::npos);
  EXPECT_NE(request.find("Impersonate-User: alice\r\n"), std::string::npos);
  EXPECT_NE(request.find("Impersonate-Group: devs\r\n"), std::string::npos);
  EXPECT_NE(request.find("User-Agent: aviary-test\r\n"), std::string::npos);
  EXPECT_NE(request.find("Accept: application/json\r\n"), std::string::npos);
  EXPECT_NE(request.find("\r\n\r\n{\"a\":1}"), std::string::npos);
}

TEST(CurlTransport, StreamHandsOverChunksAndBuffersAnErrorBody) {
  testing::LoopbackServer server({chunked({"{\"type\":", "\"ADDED\"}\n"}, "HTTP/1.1 200 OK\r\n"),
                                  "HTTP/1.1 410 Gone\r\nContent-Length: 4\r\n\r\ngone"});
  auto transport = transportTo(server.url());
  std::atomic<bool> stop{false};
  std::string streamed;
  auto collect = [&](std::string_view chunk) {
    streamed.append(chunk);
    return true;
  };
  auto ok = transport->stream(HttpRequest{"GET", "/w", {}, "", milliseconds(2000)}, collect, stop);
  ASSERT_TRUE(ok.ok()) << ok.error().describe();
  EXPECT_EQ(streamed, "{\"type\":\"ADDED\"}\n");
  EXPECT_TRUE(ok->body.empty());

  streamed.clear();
  auto gone = transport->stream(HttpRequest{"GET", "/w", {}, "", milliseconds(2000)}, collect, stop);
  ASSERT_TRUE(gone.ok());
  EXPECT_EQ(gone->status, 410);
  EXPECT_EQ(gone->body, "gone");
  EXPECT_TRUE(streamed.empty());
}

TEST(CurlTransport, RejectsUnusableConfig) {
  EXPECT_EQ(makeCurlTransport(RestConfig{}, "x").error().code, ErrorCode::InvalidSpec);
  RestConfig halfPair;
  halfPair.server = "https://127.0.0.1:1";
  halfPair.clientCertData = "CERT";
  EXPECT_EQ(makeCurlTransport(halfPair, "x").error().code, ErrorCode::InvalidSpec);
}

}  // namespace
}  // namespace aviary::k8s
