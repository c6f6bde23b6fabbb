// libFuzzer entry: any bytes as an HTTP request head through the server's parser (http_message.h):
// the request line and headers, the header-count limit, Content-Length, keep-alive and the target's
// path and query decoding. Nothing may crash, hang or read out of bounds; what parses must hold
// together (a Content-Length that parses is a number the head really carried).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "server/http_message.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace aviary::server;
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto head = http::parseRequestHead(text, 20);
  if (!head) return 0;
  if (head->headers.size() > 20) std::abort();  // the limit counts lines; distinct names cannot exceed it
  (void)http::wantsKeepAlive(*head);
  auto length = http::contentLength(*head);
  if (length && *length > 0 && head->headers.find("Content-Length") == head->headers.end()) std::abort();
  HttpRequest request;
  std::string rawPath;
  if (http::parseTarget(head->target, rawPath, request)) {
    (void)http::percentDecode(rawPath, false);
  }
  return 0;
}
