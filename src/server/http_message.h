#pragma once
// HTTP/1.1 message syntax (RFC 9112) as the server needs it: parsing a request head and its target,
// writing a response. Pure functions, so every malformed input is tested without a socket.

#include <optional>
#include <string>
#include <string_view>

#include "aviary/common/result.h"
#include "aviary/server/http_server.h"

namespace aviary::server::http {

struct RequestHead {
  std::string method;
  std::string target;  // as sent
  int minorVersion = 1;  // HTTP/1.<minorVersion>
  HttpHeaders headers;
};

// `head` is the request line and header lines, up to (not including) the empty line. Tolerates bare
// LF line ends. BadRequest for anything malformed, including obsolete header line folding; more than
// maxHeaders header lines is BadRequest with httpStatus 431.
Result<RequestHead> parseRequestHead(std::string_view head, std::size_t maxHeaders = 100);

// Splits an origin-form (or absolute-form) target into its percent-decoded path and query
// parameters ('+' is a space in the query). BadRequest when it is neither form or has a bad escape.
Status parseTarget(std::string_view target, std::string& rawPath, HttpRequest& request);

// Decodes %XX escapes (and '+' when plusIsSpace); nullopt on a malformed escape.
std::optional<std::string> percentDecode(std::string_view text, bool plusIsSpace);

// Whether the connection stays open after this request: HTTP/1.1 unless "Connection: close",
// HTTP/1.0 only with "Connection: keep-alive".
bool wantsKeepAlive(const RequestHead& head);

// The body length the head announces: 0 without Content-Length; BadRequest for a malformed one;
// Invalid (answered 411) for Transfer-Encoding, which this server does not decode.
Result<std::size_t> contentLength(const RequestHead& head);

const char* reasonPhrase(int status);

// The status line, headers (Content-Type, Content-Length, Connection, then the response's own, with
// CR and LF removed so a value cannot start a header of its own) and body.
std::string serializeResponse(const HttpResponse& response, bool keepAlive);

}  // namespace aviary::server::http
