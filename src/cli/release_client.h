#pragma once
// What the release commands do with the cluster, over the k8s client: find the kubeconfig like
// kubectl, read and merge-patch a ModelRelease, create a ReleaseApproval, ask who we are, and follow
// a release as it changes. Messages are written for the person at the terminal ("modelrelease
// \"x\" not found in namespace \"ml\""), since the commands print them as they are.
// Thread-safety: one command, one thread (follow() blocks it).

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "aviary/api/model_release.h"
#include "aviary/approval/approval_policy.h"
#include "aviary/common/result.h"
#include "aviary/k8s/client.h"
#include "cli/release_command_line.h"

namespace aviary::cli {

using Json = nlohmann::json;

// The typed view of a release read from the server (decoding problems are ignored: the server's
// schema validated it, and a view should show what it can).
api::ModelRelease decodeRelease(const Json& object);

class ReleaseClient {
 public:
  // client: the API client; namespace_: where the releases are (already defaulted).
  ReleaseClient(k8s::ClientPtr client, std::string namespace_);

  // Resolves the kubeconfig (Connection's rules) and the namespace: the flag, else the context's,
  // else "default".
  static Result<std::unique_ptr<ReleaseClient>> connect(const Connection& connection);

  const std::string& namespace_() const { return namespaceName_; }
  // The API client itself, for callers that need more than a release (`aviary dashboard`'s informer).
  k8s::Client& client() { return *client_; }

  Result<Json> get(const std::string& release);
  // A JSON merge patch of the release (metadata and spec; never status).
  Result<Json> mergePatch(const std::string& release, const Json& patch);
  Result<Json> createApproval(const Json& approval);
  // A key of a Secret in the releases' namespace (MLflow credentials for `aviary report`).
  Result<std::string> secretValue(const std::string& secret, const std::string& key);
  // The authenticated user, as the API server sees us (SelfSubjectReview).
  Result<approval::Identity> whoAmI();

  // Calls onObject with the release as it is now and again after every change, until onObject
  // returns false (ok), `stop` becomes true (ok; the caller sets it from a signal or a deadline), the
  // release is deleted (NotFound), the server refuses us (Unauthorized, Forbidden) or cannot be
  // reached for the first read. Later, lost watch streams and a server that is briefly away are
  // retried. Sets `stop` before returning.
  Status follow(const std::string& release, const std::function<bool(const Json&)>& onObject, std::atomic<bool>& stop);

 private:
  Error explain(const Error& error, const std::string& release) const;

  k8s::ClientPtr client_;
  std::string namespaceName_;
};

}  // namespace aviary::cli
