// HttpServer with HttpServerOptions::tls: a self-signed certificate made by the openssl command for
// this run, verified by libcurl as a client would.
#include <gtest/gtest.h>

#include <cstdlib>

#include "aviary/server/http_server.h"
#include "unit/k8s/temp_dir.h"
#include "unit/server/test_client.h"

namespace aviary::server {
namespace {

using testing::Client;
using testing::rawExchange;

class HttpsServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cert_ = dir_.path() + "/server.crt";
    key_ = dir_.path() + "/server.key";
    const std::string command = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
                                "-subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout " +
                                key_ + " -out " + cert_ + " >/dev/null 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0) << "openssl req failed: " << command;
  }

  HttpServerOptions tlsOptions() const {
    HttpServerOptions options;
    options.tls = HttpServerTls{cert_, key_};
    options.idleTimeout = std::chrono::milliseconds(500);
    return options;
  }
  static HttpResponse hello(const HttpRequest& request) {
    HttpResponse response;
    response.body = "hello " + request.pathParams.at("who");
    return response;
  }
  std::string url(const HttpServer& server, const std::string& scheme, const std::string& path) const {
    return scheme + "://127.0.0.1:" + std::to_string(server.port()) + path;
  }

  aviary::testing::TempDir dir_;
  std::string cert_, key_;
};

TEST_F(HttpsServerTest, ServesRequestsOverTlsOnOneKeptAliveConnection) {
  HttpServer server(tlsOptions());
  server.addRoute("POST", "/hello/{who}", hello);
  Status started = server.start("127.0.0.1:0");
  ASSERT_TRUE(started.ok()) << started.error().describe();
  Client client(cert_);
  auto first = client.call("POST", url(server, "https", "/hello/ci"), "{}");
  ASSERT_EQ(first.status, 200) << first.transportError;
  EXPECT_EQ(first.body, "hello ci");
  auto second = client.call("POST", url(server, "https", "/hello/again"), "{}");
  EXPECT_EQ(second.body, "hello again");
  EXPECT_EQ(client.connectsSoFar(), 1);
  EXPECT_EQ(client.call("POST", url(server, "https", "/nowhere"), "{}").status, 404);
}

TEST_F(HttpsServerTest, PlainHttpToTheTlsPortGetsNoAnswer) {
  HttpServer server(tlsOptions());
  server.addRoute("GET", "/hello/{who}", hello);
  ASSERT_TRUE(server.start("127.0.0.1:0").ok());
  std::string answer = rawExchange(server.port(), "GET /hello/x HTTP/1.1\r\nHost: a\r\n\r\n");
  EXPECT_EQ(answer.find("hello"), std::string::npos) << answer;
  EXPECT_EQ(answer.find("HTTP/1.1 200"), std::string::npos) << answer;
  // The server is still serving TLS clients afterwards.
  EXPECT_EQ(Client(cert_).call("GET", url(server, "https", "/hello/y")).body, "hello y");
}

TEST_F(HttpsServerTest, AClientThatDoesNotTrustTheCertificateIsRefused) {
  HttpServer server(tlsOptions());
  server.addRoute("GET", "/hello/{who}", hello);
  ASSERT_TRUE(server.start("127.0.0.1:0").ok());
  auto reply = Client().call("GET", url(server, "https", "/hello/x"));
  EXPECT_EQ(reply.status, 0);
  EXPECT_FALSE(reply.transportError.empty());
}

TEST_F(HttpsServerTest, AMissingOrMismatchedKeyFailsStartWithThePaths) {
  HttpServerOptions missing = tlsOptions();
  missing.tls->privateKeyFile = dir_.path() + "/absent.key";
  HttpServer noKey(missing);
  Status started = noKey.start("127.0.0.1:0");
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.error().code, ErrorCode::InvalidSpec);
  EXPECT_NE(started.error().message.find("absent.key"), std::string::npos) << started.error().message;
  EXPECT_FALSE(noKey.running());

  HttpServerOptions swapped = tlsOptions();
  swapped.tls = HttpServerTls{key_, cert_};
  EXPECT_EQ(HttpServer(swapped).start("127.0.0.1:0").error().code, ErrorCode::InvalidSpec);
}

TEST_F(HttpsServerTest, AStalledHandshakeIsClosedAfterTheIdleTimeout) {
  HttpServer server(tlsOptions());
  ASSERT_TRUE(server.start("127.0.0.1:0").ok());
  const auto begin = std::chrono::steady_clock::now();
  EXPECT_EQ(rawExchange(server.port(), ""), "");
  EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::seconds(4)) << "closed by the server, not the 5 s receive timeout";
}

}  // namespace
}  // namespace aviary::server
