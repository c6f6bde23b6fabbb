#pragma once
// The Kubernetes API client, on JSON objects. One implementation (KubeClient over an HttpTransport);
// tests run it against the real kube-apiserver from hack/cluster.sh.
// Thread-safety: all methods may be called from any thread concurrently.

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "aviary/common/result.h"
#include "aviary/k8s/resource.h"

namespace aviary::k8s {

using Json = nlohmann::json;

struct ListOptions {
  std::string labelSelector;
  std::string fieldSelector;
  int64_t limit = 0;            // page size; 0 = server default (no paging)
  std::string continueToken;    // from a previous page
  std::string resourceVersion;  // "" = most recent (quorum read)
};

struct ObjectList {
  std::vector<Json> items;
  std::string resourceVersion;
  std::string continueToken;  // empty on the last page
};

enum class PatchType { Merge, Json, StrategicMerge };

struct DeleteOptions {
  std::optional<std::string> preconditionUid;
  std::optional<std::string> preconditionResourceVersion;
  std::string propagationPolicy = "Background";  // Foreground | Background | Orphan
};

struct WatchOptions {
  std::string resourceVersion;
  std::string labelSelector;
  std::string fieldSelector;
  bool allowBookmarks = true;
  int timeoutSeconds = 300;  // server-side timeout; the stream then ends normally
};

struct WatchEvent {
  enum class Type { Added, Modified, Deleted, Bookmark, Error };
  Type type = Type::Added;
  Json object;  // for Error: the Status object
};

class Client {
 public:
  virtual ~Client() = default;

  virtual Result<Json> get(const ResourceType& type, const std::string& ns, const std::string& name) = 0;
  // One page; use listAll for every page.
  virtual Result<ObjectList> list(const ResourceType& type, const std::string& ns, const ListOptions& options) = 0;
  virtual Result<Json> create(const ResourceType& type, const std::string& ns, const Json& object) = 0;
  // PUT; Conflict when object.metadata.resourceVersion is stale.
  virtual Result<Json> update(const ResourceType& type, const std::string& ns, const Json& object) = 0;
  // subresource: "" or "status" (or "scale").
  virtual Result<Json> patch(const ResourceType& type, const std::string& ns, const std::string& name,
                             PatchType patchType, const Json& patch, const std::string& subresource = "") = 0;
  virtual Result<Json> updateStatus(const ResourceType& type, const std::string& ns, const Json& object) = 0;
  virtual Status remove(const ResourceType& type, const std::string& ns, const std::string& name,
                        const DeleteOptions& options = {}) = 0;

  // Streams events to onEvent until the server ends the stream (normal: returns ok), an error
  // occurs (Gone on 410: the caller relists), or stop becomes true. Blocks the calling thread.
  virtual Status watch(const ResourceType& type, const std::string& ns, const WatchOptions& options,
                       const std::function<void(const WatchEvent&)>& onEvent, const std::atomic<bool>& stop) = 0;

  // POST of a review object (TokenReview, SubjectAccessReview, SelfSubjectReview): the answer.
  virtual Result<Json> review(const ResourceType& type, const Json& review) = 0;
};

using ClientPtr = std::unique_ptr<Client>;

// Told of every answer (or failure to get one) from the API server: verb as the API server's
// apiserver_request_total spells it (GET, LIST, WATCH, POST, PUT, PATCH, DELETE), code the HTTP status or
// 0 when no answer came. Each retry is its own request. Called on the requesting thread; keep it cheap.
using RequestObserver = std::function<void(const std::string& verb, long code)>;

struct ClientOptions {
  std::string kubeconfigPath;  // "" = $KUBECONFIG, else ~/.kube/config, else in-cluster config
  std::string context;         // "" = current-context
  double qps = 50;             // client-side rate limit (token bucket)
  int burst = 100;
  int requestTimeoutSeconds = 30;
  std::string userAgent = "aviary";
  // Act as this user (and groups) via Impersonate-User/-Group headers; needs RBAC "impersonate".
  std::string impersonateUser;
  std::vector<std::string> impersonateGroups;
  RequestObserver onRequest;  // empty = not observed
};

// Builds the client from kubeconfig or in-cluster service-account config (see ClientOptions).
Result<ClientPtr> makeClient(const ClientOptions& options);

// Every page of a list, following continue tokens.
Result<ObjectList> listAll(Client& client, const ResourceType& type, const std::string& ns, ListOptions options);

}  // namespace aviary::k8s
