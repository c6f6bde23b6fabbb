#include "aviary/k8s/kube_client.h"

#include <algorithm>
#include <thread>

#include "aviary/common/urgent_scope.h"
#include "k8s/request_path.h"
#include "k8s/status_error.h"
#include "k8s/token_bucket.h"
#include "k8s/watch_stream.h"

namespace aviary::k8s {

namespace {

constexpr int kMaxAttempts = 3;
constexpr Duration kRetryBase = std::chrono::milliseconds(200);
// Past the server-side timeoutSeconds the server ends a watch itself; this only catches a dead peer.
constexpr std::chrono::seconds kWatchGrace{30};

const char* contentType(PatchType type) {
  switch (type) {
    case PatchType::Merge: return "application/merge-patch+json";
    case PatchType::Json: return "application/json-patch+json";
    case PatchType::StrategicMerge: return "application/strategic-merge-patch+json";
  }
  return "application/merge-patch+json";
}

bool isSuccess(long status) { return status >= 200 && status < 300; }

std::string pathOnly(const std::string& pathAndQuery) { return pathAndQuery.substr(0, pathAndQuery.find('?')); }

// The server leaves apiVersion/kind out of list items and accepts bodies without them only sometimes;
// filling them in from the type keeps both directions uniform.
void fillTypeMeta(Json& object, const ResourceType& type) {
  if (!object.is_object()) return;
  if (!object.contains("apiVersion")) object["apiVersion"] = type.apiVersion();
  if (!object.contains("kind") && !type.kind.empty()) object["kind"] = type.kind;
}

std::string metadataField(const Json& object, const char* field) {
  auto meta = object.find("metadata");
  if (meta == object.end() || !meta->is_object()) return "";
  auto value = meta->find(field);
  return value != meta->end() && value->is_string() ? value->get<std::string>() : "";
}

class KubeClient final : public Client {
 public:
  KubeClient(KubeClientDeps deps, const ClientOptions& options)
      : transport_(std::move(deps.transport)),
        ownedClock_(deps.clock ? nullptr : std::make_unique<SystemClock>()),
        clock_(deps.clock ? *deps.clock : *ownedClock_),
        sleep_(deps.sleep ? std::move(deps.sleep) : Sleeper([](Duration d) { std::this_thread::sleep_for(d); })),
        bucket_(options.qps, options.burst, clock_),
        timeout_(std::chrono::seconds(std::max(1, options.requestTimeoutSeconds))),
        onRequest_(options.onRequest) {}

  Result<Json> get(const ResourceType& type, const std::string& ns, const std::string& name) override {
    return call("GET", objectPath(type, ns, name), "", "");
  }

  Result<ObjectList> list(const ResourceType& type, const std::string& ns, const ListOptions& options) override {
    auto answer = call("LIST", listPath(type, ns, options), "", "");
    if (!answer) return answer.error();
    ObjectList list;
    if (auto items = answer->find("items"); items != answer->end() && items->is_array()) {
      list.items.reserve(items->size());
      for (Json& item : *items) {
        fillTypeMeta(item, type);
        list.items.push_back(std::move(item));
      }
    }
    list.resourceVersion = metadataField(*answer, "resourceVersion");
    list.continueToken = metadataField(*answer, "continue");
    return list;
  }

  Result<Json> create(const ResourceType& type, const std::string& ns, const Json& object) override {
    auto target = namespaceFor(type, ns, object);
    if (!target) return target.error();
    Json body = object;
    fillTypeMeta(body, type);
    return call("POST", type.collectionPath(*target), body.dump(), "application/json");
  }

  Result<Json> update(const ResourceType& type, const std::string& ns, const Json& object) override {
    return put(type, ns, object, "");
  }

  Result<Json> updateStatus(const ResourceType& type, const std::string& ns, const Json& object) override {
    return put(type, ns, object, "status");
  }

  Result<Json> patch(const ResourceType& type, const std::string& ns, const std::string& name, PatchType patchType,
                     const Json& patch, const std::string& subresource) override {
    return call("PATCH", objectPath(type, ns, name, subresource), patch.dump(), contentType(patchType));
  }

  Status remove(const ResourceType& type, const std::string& ns, const std::string& name,
                const DeleteOptions& options) override {
    Json body = {{"apiVersion", "v1"}, {"kind", "DeleteOptions"}};
    if (!options.propagationPolicy.empty()) body["propagationPolicy"] = options.propagationPolicy;
    if (options.preconditionUid) body["preconditions"]["uid"] = *options.preconditionUid;
    if (options.preconditionResourceVersion) body["preconditions"]["resourceVersion"] = *options.preconditionResourceVersion;
    auto answer = call("DELETE", objectPath(type, ns, name), body.dump(), "application/json");
    if (!answer) return answer.error();
    return okStatus();
  }

  Result<Json> review(const ResourceType& type, const Json& review) override {
    Json body = review;
    fillTypeMeta(body, type);
    return call("POST", type.collectionPath(""), body.dump(), "application/json");
  }

  Status watch(const ResourceType& type, const std::string& ns, const WatchOptions& options,
               const std::function<void(const WatchEvent&)>& onEvent, const std::atomic<bool>& stop) override {
    HttpRequest request;
    request.pathAndQuery = watchPath(type, ns, options);
    request.timeout = options.timeoutSeconds > 0
                          ? std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::seconds(options.timeoutSeconds) + kWatchGrace)
                          : std::chrono::milliseconds(0);
    std::string context = "WATCH " + pathOnly(request.pathAndQuery);
    pace();

    LineFramer framer;
    std::optional<Error> streamError;
    auto onLine = [&](std::string_view line) {
      auto event = parseWatchEvent(line);
      if (!event) {
        streamError = Error{ErrorCode::ParseError, context + ": " + event.error().message};
        return false;
      }
      if (event->type == WatchEvent::Type::Error) {
        streamError = statusObjectError(event->object, context);
        return false;
      }
      onEvent(*event);
      return true;
    };
    auto response = transport_->stream(
        request, [&](std::string_view chunk) { return framer.feed(chunk, onLine); }, stop);
    observe("WATCH", response);
    if (!response) return response.error();
    if (!isSuccess(response->status)) return statusError(response->status, response->body, response->headers, context);
    if (streamError) return *streamError;
    if (framer.overflowed()) return makeError(ErrorCode::Internal, context + ": watch event larger than the line limit");
    return okStatus();
  }

 private:
  Result<std::string> namespaceFor(const ResourceType& type, const std::string& ns, const Json& object) const {
    std::string target = ns.empty() ? metadataField(object, "namespace") : ns;
    if (type.namespaced && target.empty()) {
      return makeError(ErrorCode::InvalidSpec, type.key() + " is namespaced: a namespace is required");
    }
    return target;
  }

  Result<Json> put(const ResourceType& type, const std::string& ns, const Json& object, const std::string& subresource) {
    auto target = namespaceFor(type, ns, object);
    if (!target) return target.error();
    std::string name = metadataField(object, "name");
    if (name.empty()) return makeError(ErrorCode::InvalidSpec, "metadata.name is required to update a " + type.key());
    Json body = object;
    fillTypeMeta(body, type);
    return call("PUT", objectPath(type, *target, name, subresource), body.dump(), "application/json");
  }

  void pace() {
    Duration wait = bucket_.reserve(UrgentScope::active());
    if (wait > Duration::zero()) sleep_(wait);
  }

  void observe(const std::string& verb, const Result<HttpResponse>& response) const {
    if (onRequest_) onRequest_(verb, response ? response->status : 0);
  }

  // Sends with the rate limit and the retry policy; the last answer (or transport error) comes back.
  // verb names the request to the observer (LIST for a GET of a collection).
  Result<HttpResponse> send(const std::string& verb, const HttpRequest& request) {
    bool idempotent = request.method == "GET";
    for (int attempt = 1;; ++attempt) {
      pace();
      auto response = transport_->perform(request);
      observe(verb, response);
      bool last = attempt >= kMaxAttempts;
      if (!response) {
        if (last || !idempotent || response.error().code != ErrorCode::Unavailable) return response;
        sleep_(kRetryBase * (1 << (attempt - 1)));
        continue;
      }
      if (response->status == 429 && !last) {
        sleep_(retryAfter(*response));
        continue;
      }
      if (response->status >= 500 && idempotent && !last) {
        sleep_(kRetryBase * (1 << (attempt - 1)));
        continue;
      }
      return response;
    }
  }

  static Duration retryAfter(const HttpResponse& response) {
    auto header = response.headers.find("retry-after");
    int seconds = header == response.headers.end() ? 0 : std::atoi(header->second.c_str());
    Duration wait = seconds > 0 ? Duration(std::chrono::seconds(seconds)) : Duration(std::chrono::seconds(1));
    return std::min<Duration>(wait, kMaxRetryAfter);
  }

  // verb: GET, LIST, POST, PUT, PATCH or DELETE (LIST is sent as GET).
  Result<Json> call(const std::string& verb, const std::string& pathAndQuery, std::string body,
                    const std::string& bodyType) {
    const std::string method = verb == "LIST" ? "GET" : verb;
    HttpRequest request;
    request.method = method;
    request.pathAndQuery = pathAndQuery;
    request.body = std::move(body);
    request.timeout = timeout_;
    if (!bodyType.empty()) request.headers.emplace_back("Content-Type", bodyType);
    std::string context = method + " " + pathOnly(pathAndQuery);
    auto response = send(verb, request);
    if (!response) return response.error();
    if (!isSuccess(response->status)) return statusError(response->status, response->body, response->headers, context);
    Json parsed = Json::parse(response->body, nullptr, false);
    if (parsed.is_discarded()) {
      return makeError(ErrorCode::Internal, context + ": answer is not JSON: " + response->body.substr(0, 200));
    }
    return parsed;
  }

  HttpTransportPtr transport_;
  std::unique_ptr<Clock> ownedClock_;
  const Clock& clock_;
  Sleeper sleep_;
  TokenBucket bucket_;
  std::chrono::milliseconds timeout_;
  RequestObserver onRequest_;
};

}  // namespace

ClientPtr makeKubeClient(KubeClientDeps deps, const ClientOptions& options) {
  return std::make_unique<KubeClient>(std::move(deps), options);
}

Result<ClientPtr> makeClient(const RestConfig& config, const ClientOptions& options) {
  auto transport = makeCurlTransport(config, options.userAgent);
  if (!transport) return transport.error();
  return makeKubeClient(KubeClientDeps{std::move(transport).value(), nullptr, {}}, options);
}

Result<ClientPtr> makeClient(const ClientOptions& options) {
  auto config = resolveRestConfig(options);
  if (!config) return config.error();
  return makeClient(*config, options);
}

Result<ObjectList> listAll(Client& client, const ResourceType& type, const std::string& ns, ListOptions options) {
  ObjectList all;
  bool firstPage = true;
  for (;;) {
    auto page = client.list(type, ns, options);
    if (!page && page.error().code == ErrorCode::Gone && !options.continueToken.empty()) {
      // The continue token expired mid-way (etcd compacted past it): one unpaginated list instead,
      // as client-go's pager does, rather than a partial result.
      options.limit = 0;
      options.continueToken.clear();
      all.items.clear();
      firstPage = true;
      continue;
    }
    if (!page) return page.error();
    if (firstPage) all.resourceVersion = page->resourceVersion;
    firstPage = false;
    all.items.insert(all.items.end(), std::make_move_iterator(page->items.begin()),
                     std::make_move_iterator(page->items.end()));
    if (page->continueToken.empty()) return all;
    options.continueToken = page->continueToken;
  }
}

}  // namespace aviary::k8s
