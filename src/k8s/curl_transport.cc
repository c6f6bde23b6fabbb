// HttpTransport over libcurl. Easy handles are pooled (each keeps its live connections, so requests
// reuse TCP+TLS connections); a share handle lets every handle resume TLS sessions and reuse DNS.

#include <curl/curl.h>
#include <strings.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <mutex>
#include <vector>

#include "aviary/k8s/http_transport.h"
#include "k8s/bearer_token.h"

namespace aviary::k8s {

namespace {

constexpr long kConnectTimeoutMs = 10000;

struct Transfer {
  CURL* handle = nullptr;
  HttpResponse* response = nullptr;
  const ChunkHandler* onChunk = nullptr;  // null = buffer the body
  const std::atomic<bool>* stop = nullptr;
  bool abortedByHandler = false;
};

size_t onBody(char* data, size_t size, size_t count, void* userdata) {
  auto* transfer = static_cast<Transfer*>(userdata);
  size_t bytes = size * count;
  if (transfer->onChunk) {
    long status = 0;
    curl_easy_getinfo(transfer->handle, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 200 && status < 300) {
      if (!(*transfer->onChunk)(std::string_view(data, bytes))) {
        transfer->abortedByHandler = true;
        return 0;
      }
      return bytes;
    }
  }
  transfer->response->body.append(data, bytes);
  return bytes;
}

size_t onHeader(char* data, size_t size, size_t count, void* userdata) {
  auto* transfer = static_cast<Transfer*>(userdata);
  size_t bytes = size * count;
  std::string_view line(data, bytes);
  // A new status line (after a redirect or 100-continue) starts a new header set.
  if (line.rfind("HTTP/", 0) == 0) {
    transfer->response->headers.clear();
    return bytes;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return bytes;
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) value.remove_prefix(1);
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) value.remove_suffix(1);
  transfer->response->headers[name] = std::string(value);
  return bytes;
}

int onProgress(void* userdata, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* transfer = static_cast<Transfer*>(userdata);
  return transfer->stop && transfer->stop->load() ? 1 : 0;
}

Error transportError(CURLcode code, const char* detail, const HttpRequest& request, const std::string& url) {
  std::string message = request.method + " " + url + ": " + curl_easy_strerror(code);
  if (detail && *detail) message += " (" + std::string(detail) + ")";
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT: return makeError(ErrorCode::Timeout, message);
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE: return makeError(ErrorCode::InvalidSpec, message);
    default: return makeError(ErrorCode::Unavailable, message);
  }
}

class CurlTransport final : public HttpTransport {
 public:
  CurlTransport(const RestConfig& config, std::string userAgent)
      : config_(config), userAgent_(std::move(userAgent)), token_(config.token, config.tokenFile) {
    share_ = curl_share_init();
    curl_share_setopt(share_, CURLSHOPT_LOCKFUNC, &CurlTransport::lockShare);
    curl_share_setopt(share_, CURLSHOPT_UNLOCKFUNC, &CurlTransport::unlockShare);
    curl_share_setopt(share_, CURLSHOPT_USERDATA, this);
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  }

  ~CurlTransport() override {
    for (CURL* handle : idle_) curl_easy_cleanup(handle);
    curl_share_cleanup(share_);
  }

  Result<HttpResponse> perform(const HttpRequest& request) override { return run(request, nullptr, nullptr); }

  Result<HttpResponse> stream(const HttpRequest& request, const ChunkHandler& onChunk,
                              const std::atomic<bool>& stop) override {
    return run(request, &onChunk, &stop);
  }

 private:
  // Hands a pooled handle out and takes it back, whatever the outcome.
  class Lease {
   public:
    explicit Lease(CurlTransport& owner) : owner_(owner), handle_(owner.acquire()) {}
    ~Lease() { owner_.release(handle_); }
    CURL* get() const { return handle_; }

   private:
    CurlTransport& owner_;
    CURL* handle_;
  };

  static void lockShare(CURL*, curl_lock_data data, curl_lock_access, void* userdata) {
    static_cast<CurlTransport*>(userdata)->shareLocks_[data % kShareLocks].lock();
  }
  static void unlockShare(CURL*, curl_lock_data data, void* userdata) {
    static_cast<CurlTransport*>(userdata)->shareLocks_[data % kShareLocks].unlock();
  }

  CURL* acquire() {
    {
      std::lock_guard<std::mutex> lock(poolMutex_);
      if (!idle_.empty()) {
        CURL* handle = idle_.back();
        idle_.pop_back();
        return handle;
      }
    }
    return curl_easy_init();
  }

  void release(CURL* handle) {
    if (!handle) return;
    std::lock_guard<std::mutex> lock(poolMutex_);
    idle_.push_back(handle);
  }

  static void setBlob(CURL* handle, CURLoption option, const std::string& pem) {
    curl_blob blob{const_cast<char*>(pem.data()), pem.size(), CURL_BLOB_COPY};
    curl_easy_setopt(handle, option, &blob);
  }

  void applyTls(CURL* handle) const {
    if (config_.insecureSkipTlsVerify) {
      curl_easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, 0L);
    } else {
      curl_easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, 1L);
      curl_easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, 2L);
    }
    if (!config_.caData.empty()) {
      // The cluster CA alone decides: a public CA in the system store must not vouch for the API server.
      curl_easy_setopt(handle, CURLOPT_CAPATH, nullptr);
      setBlob(handle, CURLOPT_CAINFO_BLOB, config_.caData);
    }
    if (!config_.clientCertData.empty()) {
      curl_easy_setopt(handle, CURLOPT_SSLCERTTYPE, "PEM");
      setBlob(handle, CURLOPT_SSLCERT_BLOB, config_.clientCertData);
      curl_easy_setopt(handle, CURLOPT_SSLKEYTYPE, "PEM");
      setBlob(handle, CURLOPT_SSLKEY_BLOB, config_.clientKeyData);
    }
  }

  Result<curl_slist*> buildHeaders(const HttpRequest& request) {
    std::vector<std::string> lines;
    bool hasAccept = false;
    for (const auto& [name, value] : request.headers) {
      lines.push_back(name + ": " + value);
      if (strcasecmp(name.c_str(), "accept") == 0) hasAccept = true;
    }
    if (!hasAccept) lines.push_back("Accept: application/json");
    // Bodies are small JSON; waiting for 100-continue only adds a round trip.
    lines.push_back("Expect:");
    auto token = token_.current();
    if (!token) return token.error();
    if (!token->empty()) lines.push_back("Authorization: Bearer " + *token);
    if (!config_.impersonateUser.empty()) {
      lines.push_back("Impersonate-User: " + config_.impersonateUser);
      for (const auto& group : config_.impersonateGroups) lines.push_back("Impersonate-Group: " + group);
    }
    curl_slist* list = nullptr;
    for (const auto& line : lines) list = curl_slist_append(list, line.c_str());
    return list;
  }

  Result<HttpResponse> run(const HttpRequest& request, const ChunkHandler* onChunk, const std::atomic<bool>* stop) {
    Lease lease(*this);
    CURL* handle = lease.get();
    if (!handle) return makeError(ErrorCode::Internal, "curl_easy_init failed");
    auto headers = buildHeaders(request);
    if (!headers) return headers.error();
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headerList(*headers, curl_slist_free_all);

    HttpResponse response;
    Transfer transfer{handle, &response, onChunk, stop};
    std::array<char, CURL_ERROR_SIZE> detail{};
    std::string url = config_.server + request.pathAndQuery;

    // reset keeps the handle's open connections and caches; only the options start over.
    curl_easy_reset(handle);
    curl_easy_setopt(handle, CURLOPT_SHARE, share_);
    curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
    curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(handle, CURLOPT_USERAGENT, userAgent_.c_str());
    curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headerList.get());
    curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, detail.data());
    curl_easy_setopt(handle, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(handle, CURLOPT_ACCEPT_ENCODING, "");
    if (request.method == "GET") {
      curl_easy_setopt(handle, CURLOPT_HTTPGET, 1L);
    } else {
      curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT" || request.method == "PATCH") {
      curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
      curl_easy_setopt(handle, CURLOPT_POSTFIELDS, request.body.c_str());
    }
    long timeoutMs = static_cast<long>(request.timeout.count());
    if (timeoutMs > 0) curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, timeoutMs);
    curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, timeoutMs > 0 ? std::min(timeoutMs, kConnectTimeoutMs) : kConnectTimeoutMs);
    applyTls(handle);
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, onBody);
    curl_easy_setopt(handle, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, onHeader);
    curl_easy_setopt(handle, CURLOPT_HEADERDATA, &transfer);
    if (stop) {
      curl_easy_setopt(handle, CURLOPT_NOPROGRESS, 0L);
      curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, onProgress);
      curl_easy_setopt(handle, CURLOPT_XFERINFODATA, &transfer);
    }

    CURLcode code = curl_easy_perform(handle);
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &response.status);
    bool stopped = (code == CURLE_ABORTED_BY_CALLBACK && stop && stop->load()) ||
                   (code == CURLE_WRITE_ERROR && transfer.abortedByHandler);
    if (code != CURLE_OK && !stopped) return transportError(code, detail.data(), request, config_.server + pathOnly(request));
    return response;
  }

  // Query strings can carry continue tokens and selectors; messages keep just the path.
  static std::string pathOnly(const HttpRequest& request) {
    return request.pathAndQuery.substr(0, request.pathAndQuery.find('?'));
  }

  static constexpr size_t kShareLocks = 8;

  RestConfig config_;
  std::string userAgent_;
  BearerToken token_;
  CURLSH* share_ = nullptr;
  std::array<std::mutex, kShareLocks> shareLocks_;
  std::mutex poolMutex_;
  std::vector<CURL*> idle_;
};

}  // namespace

Result<HttpTransportPtr> makeCurlTransport(const RestConfig& config, const std::string& userAgent) {
  static std::once_flag initialized;
  std::call_once(initialized, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (config.server.rfind("https://", 0) != 0 && config.server.rfind("http://", 0) != 0) {
    return makeError(ErrorCode::InvalidSpec, "server \"" + config.server + "\" is not an http(s) URL");
  }
  if (config.clientCertData.empty() != config.clientKeyData.empty()) {
    return makeError(ErrorCode::InvalidSpec, "a client certificate needs its key and vice versa");
  }
  return HttpTransportPtr(std::make_unique<CurlTransport>(config, userAgent));
}

}  // namespace aviary::k8s
