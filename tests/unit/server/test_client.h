#pragma once
// Clients for the server tests: libcurl for well-formed requests (one handle per Client, so its
// requests share a kept-alive connection), a raw socket for bytes no well-behaved client sends.

#include <map>
#include <string>

namespace aviary::server::testing {

struct Reply {
  long status = 0;  // 0 when the request failed at the transport level
  std::string body;
  std::map<std::string, std::string> headers;  // lower-cased names
  std::string transportError;
};

class Client {
 public:
  // caFile: the PEM bundle that verifies an https:// server ("" = the system's).
  explicit Client(std::string caFile = "");
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  Reply call(const std::string& method, const std::string& url, const std::string& body = "",
             const std::map<std::string, std::string>& headers = {});
  // How many connections this handle has opened so far (keep-alive reuses one).
  long connectsSoFar() const { return connects_; }

 private:
  void* curl_;
  std::string caFile_;
  long connects_ = 0;
};

// Connects to 127.0.0.1:port, sends `bytes`, and returns everything read until the server closes the
// connection (or the 5 s receive timeout). Empty when the connection failed.
std::string rawExchange(int port, const std::string& bytes);

}  // namespace aviary::server::testing
