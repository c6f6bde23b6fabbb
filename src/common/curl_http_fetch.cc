#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <memory>
#include <optional>

#include "aviary/common/http_fetch.h"

namespace aviary {

namespace {

struct CurlInit {
  CurlInit() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};

struct BodySink {
  std::string* body;
  std::size_t max;
  bool overflowed = false;
};

size_t appendBody(char* data, size_t size, size_t count, void* out) {
  auto* sink = static_cast<BodySink*>(out);
  if (sink->body->size() + size * count > sink->max) {
    sink->overflowed = true;
    return 0;  // aborts the transfer (CURLE_WRITE_ERROR)
  }
  sink->body->append(data, size * count);
  return size * count;
}

// The connect-time half of the egress policy: curl calls this for every address it is about to
// connect to, after resolving, so what is checked is what is connected to.
struct ConnectGuard {
  const EgressPolicy* policy;
  std::string host;
  std::optional<Error> denial;
};

curl_socket_t openCheckedSocket(void* data, curlsocktype, struct curl_sockaddr* address) {
  auto* guard = static_cast<ConnectGuard*>(data);
  char text[INET6_ADDRSTRLEN] = {};
  int port = 0;
  if (address->family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&address->addr);
    inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
    port = ntohs(in->sin_port);
  } else if (address->family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&address->addr);
    inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
    port = ntohs(in6->sin6_port);
  } else {
    guard->denial = makeError(ErrorCode::Forbidden, "egress policy denies a non-IP address family");
    return CURL_SOCKET_BAD;
  }
  if (Status allowed = guard->policy->checkAddress(guard->host, text, port); !allowed) {
    guard->denial = allowed.error();
    return CURL_SOCKET_BAD;
  }
  return socket(address->family, address->socktype, address->protocol);
}

using UrlPtr = std::unique_ptr<CURLU, decltype(&curl_url_cleanup)>;

Result<std::string> urlPart(CURLU* url, CURLUPart part) {
  char* value = nullptr;
  if (curl_url_get(url, part, &value, 0) != CURLUE_OK || !value) return makeError(ErrorCode::InvalidSpec, "no part");
  std::string out(value);
  curl_free(value);
  return out;
}

// Parses the URL once, with the parser curl will use, so the host checked is the host connected to.
// Without a policy a URL without a scheme is http, as curl always took it.
Result<UrlPtr> parseUrl(const std::string& text, bool guessScheme, std::string& host) {
  UrlPtr url(curl_url(), curl_url_cleanup);
  const unsigned flags = guessScheme ? CURLU_GUESS_SCHEME : 0;
  if (!url || curl_url_set(url.get(), CURLUPART_URL, text.c_str(), flags) != CURLUE_OK) {
    return makeError(ErrorCode::InvalidSpec, "\"" + text + "\" is not a URL");
  }
  auto scheme = urlPart(url.get(), CURLUPART_SCHEME);
  if (!scheme || (*scheme != "http" && *scheme != "https")) {
    return makeError(ErrorCode::InvalidSpec, "\"" + text + "\" is not an http:// or https:// URL");
  }
  auto named = urlPart(url.get(), CURLUPART_HOST);
  if (!named) return makeError(ErrorCode::InvalidSpec, "\"" + text + "\" has no host");
  host = *named;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return url;
}

}  // namespace

Result<HttpAnswer> httpFetch(const std::string& method, const std::string& url, const std::string& body,
                             const std::map<std::string, std::string>& headers, const FetchOptions& options) {
  static CurlInit init;
  std::string host;
  auto parsed = parseUrl(url, options.egress == nullptr, host);
  if (!parsed) return parsed.error();
  if (options.egress) {
    if (Status allowed = options.egress->checkHost(host); !allowed) return allowed.error();
  }
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return makeError(ErrorCode::Internal, "curl_easy_init failed");
  struct curl_slist* list = nullptr;
  for (const auto& [name, value] : headers) list = curl_slist_append(list, (name + ": " + value).c_str());
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headerList(list, curl_slist_free_all);

  HttpAnswer answer;
  BodySink sink{&answer.body, options.maxBodyBytes};
  ConnectGuard guard{options.egress, host, std::nullopt};
  CURL* h = curl.get();
  curl_easy_setopt(h, CURLOPT_CURLU, parsed->get());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (method == "POST" || !body.empty()) curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout.count()));
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options.maxBodyBytes));
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, appendBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
  if (options.egress) {
    curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, openCheckedSocket);
    curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, &guard);
  }
  CURLcode rc = curl_easy_perform(h);
  if (guard.denial && rc != CURLE_OK) return *guard.denial;
  if (rc == CURLE_OPERATION_TIMEDOUT) {
    return makeError(ErrorCode::Timeout, url + ": no answer within " + std::to_string(options.timeout.count()) + " ms");
  }
  if (sink.overflowed || rc == CURLE_FILESIZE_EXCEEDED) {
    return makeError(ErrorCode::Unavailable,
                     url + ": answer longer than " + std::to_string(options.maxBodyBytes) + " bytes");
  }
  if (rc != CURLE_OK) return makeError(ErrorCode::Unavailable, url + ": " + curl_easy_strerror(rc));
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &answer.status);
  return answer;
}

Result<HttpAnswer> httpFetch(const std::string& method, const std::string& url, const std::string& body,
                             const std::map<std::string, std::string>& headers, std::chrono::milliseconds timeout) {
  FetchOptions options;
  options.timeout = timeout;
  return httpFetch(method, url, body, headers, options);
}

std::string urlEncode(const std::string& text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace aviary
