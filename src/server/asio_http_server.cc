// HttpServer over Boost.Asio: one acceptor, connections served on `threads` worker threads, each
// connection's operations serialized on its own strand; HTTPS through Boost.Asio's OpenSSL stream when
// options.tls is set. The only file that includes Boost.Asio.

#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <strings.h>
#include <thread>
#include <type_traits>
#include <utility>  // Boost 1.74's asio/awaitable.hpp uses std::exchange without including it

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include "aviary/server/http_server.h"
#include "server/http_message.h"
#include "server/router.h"

namespace aviary::server {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using asio::ip::tcp;
using ErrorCodeT = boost::system::error_code;
using TlsStream = ssl::stream<tcp::socket>;

tcp::socket& tcpOf(tcp::socket& socket) { return socket; }
tcp::socket& tcpOf(TlsStream& stream) { return stream.next_layer(); }

// TLS 1.2 and later, with the certificate chain and key read now (so a bad file fails start()).
Result<std::unique_ptr<ssl::context>> tlsContext(const HttpServerTls& tls) {
  // OpenSSL's own message for a missing file is often just "asio.ssl error": say which file and why.
  for (const std::string* file : {&tls.certificateFile, &tls.privateKeyFile}) {
    if (std::FILE* readable = std::fopen(file->c_str(), "r")) {
      std::fclose(readable);
    } else {
      return makeError(ErrorCode::InvalidSpec, "cannot read " + *file + " (TLS): " + std::strerror(errno));
    }
  }
  auto context = std::make_unique<ssl::context>(ssl::context::tls_server);
  try {
    context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                         ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
    context->use_certificate_chain_file(tls.certificateFile);
    context->use_private_key_file(tls.privateKeyFile, ssl::context::pem);
  } catch (const boost::system::system_error& e) {
    return makeError(ErrorCode::InvalidSpec, "cannot load the TLS certificate " + tls.certificateFile + " and key " +
                                                 tls.privateKeyFile + " (want a PEM chain and its private key): " +
                                                 e.code().message());
  }
  return context;
}

struct HostPort {
  std::string host;
  std::string port;
};

Result<HostPort> splitAddress(const std::string& address) {
  HostPort out;
  std::string portText;
  if (address.starts_with('[')) {
    std::size_t close = address.find(']');
    if (close == std::string::npos || address.compare(close + 1, 1, ":") != 0) {
      return makeError(ErrorCode::InvalidSpec, "malformed address '" + address + "': want [host]:port");
    }
    out.host = address.substr(1, close - 1);
    portText = address.substr(close + 2);
  } else {
    std::size_t colon = address.rfind(':');
    if (colon == std::string::npos) {
      return makeError(ErrorCode::InvalidSpec, "malformed address '" + address + "': want host:port");
    }
    out.host = address.substr(0, colon);
    portText = address.substr(colon + 1);
  }
  unsigned port = 0;
  auto [end, error] = std::from_chars(portText.data(), portText.data() + portText.size(), port);
  if (portText.empty() || error != std::errc() || end != portText.data() + portText.size() || port > 65535) {
    return makeError(ErrorCode::InvalidSpec, "malformed port in address '" + address + "'");
  }
  if (out.host.empty()) out.host = "0.0.0.0";
  out.port = portText;
  return out;
}

}  // namespace

class HttpServer::Impl {
 public:
  explicit Impl(HttpServerOptions options) : options_(options) {}

  Router& router() { return router_; }
  Status start(const std::string& address);
  void stop();
  bool running() const { return port_.load() != 0; }
  int port() const { return port_.load(); }

 private:
  void accept();

  Router router_;
  const HttpServerOptions options_;
  std::atomic<std::size_t> connections_{0};
  std::unique_ptr<ssl::context> tls_;  // set while running with options_.tls
  std::unique_ptr<asio::io_context> io_;
  std::unique_ptr<tcp::acceptor> acceptor_;
  std::vector<std::thread> threads_;
  std::atomic<int> port_{0};
};

namespace {

// One client connection: read a head, maybe a body, dispatch, write, and again while kept alive.
// Every step runs on the connection's strand; the shared_ptr held by the pending operation keeps it
// alive, and it closes when none is pending. Stream: tcp::socket, or TlsStream (then `tls` is the
// ssl::context and the TLS handshake comes first).
template <class Stream>
class Connection : public std::enable_shared_from_this<Connection<Stream>> {
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

 public:
  template <class... Tls>
  Connection(tcp::socket socket, Router& router, const HttpServerOptions& options, std::atomic<std::size_t>& count,
             Tls&... tls)
      : socket_(std::move(socket), tls...),
        timer_(socket_.get_executor()),
        buffer_(options.maxHeaderBytes + options.maxBodyBytes),
        router_(router),
        options_(options),
        count_(count) {
    ErrorCodeT ignored;
    tcp::endpoint peer = tcpOf(socket_).remote_endpoint(ignored);
    if (!ignored) remoteAddress_ = peer.address().to_string() + ":" + std::to_string(peer.port());
  }
  ~Connection() { count_.fetch_sub(1); }

  void start() {
    if constexpr (kTls) {
      armTimer();  // a client that connects and never finishes the handshake is closed like an idle one
      socket_.async_handshake(ssl::stream_base::server, [self = this->shared_from_this()](const ErrorCodeT& ec) {
        if (ec) return self->close();
        self->readHead();
      });
    } else {
      readHead();
    }
  }

 private:
  using std::enable_shared_from_this<Connection<Stream>>::shared_from_this;

  void armTimer() {
    timer_.expires_after(options_.idleTimeout);
    timer_.async_wait([self = shared_from_this()](const ErrorCodeT& ec) {
      // A wait that completed just before being re-armed still arrives without an error; only a
      // deadline that has really passed closes the connection.
      if (ec != asio::error::operation_aborted && self->timer_.expiry() <= asio::steady_timer::clock_type::now()) {
        self->close();
      }
    });
  }

  void readHead() {
    armTimer();
    asio::async_read_until(socket_, buffer_, "\r\n\r\n",
                           [self = shared_from_this()](const ErrorCodeT& ec, std::size_t headBytes) {
                             self->onHead(ec, headBytes);
                           });
  }

  void onHead(const ErrorCodeT& ec, std::size_t headBytes) {
    if (ec == asio::error::not_found) return finish(HttpResponse::jsonError(431, "request head too large"), false);
    if (ec) return close();
    if (headBytes > options_.maxHeaderBytes) {
      return finish(HttpResponse::jsonError(431, "request head too large"), false);
    }
    std::string head(asio::buffers_begin(buffer_.data()), asio::buffers_begin(buffer_.data()) + headBytes - 4);
    buffer_.consume(headBytes);

    Result<http::RequestHead> parsed = http::parseRequestHead(head, options_.maxHeaderCount);
    if (!parsed) {
      const int status = parsed.error().httpStatus ? parsed.error().httpStatus : 400;
      return finish(HttpResponse::jsonError(status, parsed.error().message), false);
    }
    keepAlive_ = http::wantsKeepAlive(*parsed);
    Result<std::size_t> length = http::contentLength(*parsed);
    if (!length) {
      int status = length.error().code == ErrorCode::Invalid ? 411 : 400;
      return finish(HttpResponse::jsonError(status, length.error().message), false);
    }
    if (*length > options_.maxBodyBytes) {
      return finish(HttpResponse::jsonError(413, "request body larger than " + std::to_string(options_.maxBodyBytes) +
                                                     " bytes"),
                    false);
    }
    request_ = HttpRequest{};
    if (Status target = http::parseTarget(parsed->target, rawPath_, request_); !target) {
      return finish(HttpResponse::jsonError(400, target.error().message), false);
    }
    request_.method = std::move(parsed->method);
    request_.headers = std::move(parsed->headers);
    request_.remoteAddress = remoteAddress_;
    readBody(*length, request_.header("Expect"));
  }

  void readBody(std::size_t length, const std::string& expect) {
    if (buffer_.size() >= length) return onBody(length);
    auto read = [self = shared_from_this(), length] {
      asio::async_read(self->socket_, self->buffer_, asio::transfer_exactly(length - self->buffer_.size()),
                       [self, length](const ErrorCodeT& ec, std::size_t) {
                         if (ec) return self->close();
                         self->onBody(length);
                       });
    };
    if (strcasecmp(expect.c_str(), "100-continue") != 0) return read();
    // The client waits for this before sending the body (curl does for bodies over 1 KiB).
    static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    asio::async_write(socket_, asio::buffer(kContinue),
                      [self = shared_from_this(), read](const ErrorCodeT& ec, std::size_t) {
                        if (ec) return self->close();
                        read();
                      });
  }

  void onBody(std::size_t length) {
    timer_.cancel();  // a handler may take its time; the idle limit is for the client
    request_.body.assign(asio::buffers_begin(buffer_.data()), asio::buffers_begin(buffer_.data()) + length);
    buffer_.consume(length);
    HttpResponse response = router_.dispatch(rawPath_, request_);
    finish(response, keepAlive_);
  }

  void finish(const HttpResponse& response, bool keepAlive) {
    armTimer();
    output_ = http::serializeResponse(response, keepAlive);
    asio::async_write(socket_, asio::buffer(output_),
                      [self = shared_from_this(), keepAlive](const ErrorCodeT& ec, std::size_t) {
                        if (ec) return self->close();
                        if (!keepAlive) return self->lingeringClose();
                        self->readHead();
                      });
  }

  // Closing at once while the client is still sending (a refused body) resets the connection, and
  // the client may lose the answer with it; so stop sending, and read until the client closes, the
  // timer armed by finish() runs out, or kMaxDrainBytes were read: a client sending a huge body must
  // not keep a worker and a connection slot busy reading it (under load that starved the accept of
  // other clients; e2e/test_http_load.py).
  static constexpr std::size_t kMaxDrainBytes = 256 * 1024;
  void lingeringClose() {
    if constexpr (kTls) {
      // close_notify, then the client's, within the timer armed by finish().
      socket_.async_shutdown([self = shared_from_this()](const ErrorCodeT&) { self->close(); });
      return;
    }
    ErrorCodeT ignored;
    tcpOf(socket_).shutdown(tcp::socket::shutdown_send, ignored);
    tcpOf(socket_).async_read_some(asio::buffer(drain_), [self = shared_from_this()](const ErrorCodeT& ec, std::size_t n) {
      self->drained_ += n;
      if (ec || self->drained_ > kMaxDrainBytes) return self->close();
      self->lingeringClose();
    });
  }

  void close() {
    ErrorCodeT ignored;
    timer_.cancel();
    tcpOf(socket_).shutdown(tcp::socket::shutdown_both, ignored);
    tcpOf(socket_).close(ignored);
  }

  Stream socket_;
  asio::steady_timer timer_;
  asio::streambuf buffer_;
  Router& router_;
  const HttpServerOptions& options_;
  std::atomic<std::size_t>& count_;
  std::string remoteAddress_;
  HttpRequest request_;
  std::string rawPath_;
  bool keepAlive_ = true;
  std::string output_;
  std::array<char, 16384> drain_;
  std::size_t drained_ = 0;
};

}  // namespace

Status HttpServer::Impl::start(const std::string& address) {
  if (io_) return makeError(ErrorCode::Conflict, "server already running");
  Result<HostPort> hostPort = splitAddress(address);
  if (!hostPort) return hostPort.error();
  std::unique_ptr<ssl::context> tls;
  if (options_.tls) {
    auto context = tlsContext(*options_.tls);
    if (!context) return context.error();
    tls = std::move(context).value();
  }

  auto io = std::make_unique<asio::io_context>();
  auto acceptor = std::make_unique<tcp::acceptor>(*io);
  try {
    tcp::resolver resolver(*io);
    tcp::endpoint endpoint =
        resolver.resolve(hostPort->host, hostPort->port, tcp::resolver::passive | tcp::resolver::numeric_service)
            .begin()
            ->endpoint();
    acceptor->open(endpoint.protocol());
    // Lets a restarted operator bind while old connections sit in TIME_WAIT; a live listener on the
    // port still makes bind fail.
    acceptor->set_option(tcp::acceptor::reuse_address(true));
    acceptor->bind(endpoint);
    acceptor->listen();
  } catch (const boost::system::system_error& e) {
    return makeError(ErrorCode::Unavailable, "cannot listen on " + address + ": " + e.code().message());
  }

  io_ = std::move(io);
  acceptor_ = std::move(acceptor);
  tls_ = std::move(tls);
  port_ = acceptor_->local_endpoint().port();
  accept();
  for (std::size_t i = 0; i < std::max<std::size_t>(1, options_.threads); ++i) {
    threads_.emplace_back([io = io_.get()] { io->run(); });
  }
  return okStatus();
}

void HttpServer::Impl::accept() {
  acceptor_->async_accept(asio::make_strand(*io_), [this](const ErrorCodeT& ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted) return;
    if (!ec) {
      if (connections_.fetch_add(1) >= options_.maxConnections) {
        connections_.fetch_sub(1);
        ErrorCodeT ignored;
        socket.close(ignored);
      } else {
        if (tls_) {
          std::make_shared<Connection<TlsStream>>(std::move(socket), router_, options_, connections_, *tls_)->start();
        } else {
          std::make_shared<Connection<tcp::socket>>(std::move(socket), router_, options_, connections_)->start();
        }
      }
    }
    accept();
  });
}

void HttpServer::Impl::stop() {
  if (!io_) return;
  io_->stop();
  for (std::thread& thread : threads_) thread.join();
  threads_.clear();
  acceptor_.reset();
  // Destroying the context destroys the pending operations, and with them the connections they own.
  io_.reset();
  tls_.reset();
  port_ = 0;
}

HttpServer::HttpServer(HttpServerOptions options) : impl_(std::make_unique<Impl>(options)) {}
HttpServer::~HttpServer() { stop(); }

void HttpServer::addRoute(const std::string& method, const std::string& pathPattern, HttpHandler handler) {
  impl_->router().add(method, pathPattern, std::move(handler));
}

Status HttpServer::start(const std::string& address) { return impl_->start(address); }
void HttpServer::stop() { impl_->stop(); }
bool HttpServer::running() const { return impl_->running(); }
int HttpServer::port() const { return impl_->port(); }

}  // namespace aviary::server
