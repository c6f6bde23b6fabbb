#pragma once
// HTTP to one Kubernetes API server: TLS, authentication and connection reuse live behind this
// interface so the client above it deals only in paths, verbs and JSON (and unit tests can fake it).
// Implementation: CurlTransport (src/k8s/curl_transport.cc), built by makeCurlTransport.
// Thread-safety: perform and stream may be called from any thread concurrently.

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aviary/common/result.h"
#include "aviary/k8s/rest_config.h"

namespace aviary::k8s {

struct HttpRequest {
  std::string method = "GET";
  std::string pathAndQuery;  // "/api/v1/namespaces/x/pods?limit=50", appended to the server URL
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds timeout{30000};  // whole request; 0 = no limit (streams end by the stop flag)
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased; the last value wins
  std::string body;                            // empty when the body was streamed to the callback
};

// Receives one piece of a streamed 2xx body (pieces split anywhere). Return false to abort the stream.
using ChunkHandler = std::function<bool(std::string_view chunk)>;

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;

  // One request, the whole body buffered. Errors are only for transport failures: connection refused
  // or reset → Unavailable, timeout → Timeout, TLS failures → Unavailable with curl's explanation.
  // Any HTTP status (including 4xx/5xx) is a successful HttpResponse.
  virtual Result<HttpResponse> perform(const HttpRequest& request) = 0;

  // Like perform, but a 2xx body goes to onChunk as it arrives instead of into response.body (a non-2xx
  // body is still buffered, to read the Status). Ends ok when the server closes the stream, when stop
  // becomes true (checked at least once a second, also while idle) or when onChunk returns false.
  virtual Result<HttpResponse> stream(const HttpRequest& request, const ChunkHandler& onChunk,
                                      const std::atomic<bool>& stop) = 0;
};

using HttpTransportPtr = std::unique_ptr<HttpTransport>;

// libcurl with the server, CA, client certificate and token of config. Errors: InvalidSpec when the
// config cannot be used (no server URL, a key without a certificate).
Result<HttpTransportPtr> makeCurlTransport(const RestConfig& config, const std::string& userAgent);

}  // namespace aviary::k8s
