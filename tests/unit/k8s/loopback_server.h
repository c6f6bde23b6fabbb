#pragma once
// A one-connection-at-a-time HTTP/1.1 server on 127.0.0.1 for transport tests: records each request and
// answers with the next canned raw response (then closes the connection). With no responses queued it
// accepts nothing, so clients hang until their own timeout.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace aviary::testing {

class LoopbackServer {
 public:
  explicit LoopbackServer(std::vector<std::string> responses = {}) : responses_(responses.begin(), responses.end()) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t length = sizeof address;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    ::listen(fd_, 8);
    if (!responses_.empty()) thread_ = std::thread([this] { serve(); });
  }
  ~LoopbackServer() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    if (thread_.joinable()) thread_.join();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // Raw request texts (head and body) received so far.
  std::vector<std::string> requests() {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }

  // A port nothing listens on: bound, then closed.
  static int closedPort() {
    LoopbackServer server;
    return server.port_;
  }

 private:
  void serve() {
    while (!responses_.empty()) {
      int client = ::accept(fd_, nullptr, nullptr);
      if (client < 0) return;
      std::string request = readRequest(client);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        requests_.push_back(request);
      }
      std::string response = responses_.front();
      responses_.pop_front();
      ::send(client, response.data(), response.size(), MSG_NOSIGNAL);
      ::shutdown(client, SHUT_WR);
      ::close(client);
    }
  }

  static std::string readRequest(int client) {
    std::string data;
    char buffer[4096];
    size_t headEnd = std::string::npos;
    size_t expected = 0;
    for (;;) {
      if (headEnd != std::string::npos && data.size() >= headEnd + 4 + expected) return data;
      ssize_t n = ::recv(client, buffer, sizeof buffer, 0);
      if (n <= 0) return data;
      data.append(buffer, static_cast<size_t>(n));
      if (headEnd == std::string::npos && (headEnd = data.find("\r\n\r\n")) != std::string::npos) {
        size_t at = data.find("Content-Length: ");
        if (at != std::string::npos && at < headEnd) expected = std::stoul(data.substr(at + 16));
      }
    }
  }

  int fd_ = -1;
  int port_ = 0;
  std::deque<std::string> responses_;
  std::thread thread_;
  std::mutex mutex_;
  std::vector<std::string> requests_;
};

}  // namespace aviary::testing
