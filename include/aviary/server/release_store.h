#pragma once
// The Kubernetes side of the release API (release_api.h). Reads use the operator's credentials; writes
// use the CALLER's bearer token, so the API server's RBAC, the approval admission policy and its audit
// log judge and record the real caller: the operator cannot be used to forge an approval, and a
// caller gets no power through the API that their own token lacks.
//
// Thread-safety: every method may be called from several threads at once. Ownership: the operator's
// client must outlive the store; tokens are used for the one call and never kept or logged.

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "aviary/api/model_release.h"
#include "aviary/common/result.h"
#include "aviary/k8s/client.h"
#include "aviary/k8s/rest_config.h"

namespace aviary::server {

class ReleaseStore {
 public:
  virtual ~ReleaseStore() = default;

  // The release, read with the operator's credentials. NotFound when it does not exist.
  virtual Result<api::ModelRelease> read(const std::string& namespace_, const std::string& name) = 0;
  // Creates `approval` (a ReleaseApproval object) as the caller; the created object's name.
  // The API server's refusals come back as they are (Forbidden, Invalid, ...).
  virtual Result<std::string> createApproval(const std::string& callerToken, const std::string& namespace_,
                                             const nlohmann::json& approval) = 0;
  // Merge-patches the release as the caller.
  virtual Status patchRelease(const std::string& callerToken, const std::string& namespace_, const std::string& name,
                              const nlohmann::json& mergePatch) = 0;
};
using ReleaseStorePtr = std::unique_ptr<ReleaseStore>;

// operatorConfig: where the API server is and how to trust it; only its server address and CA are
// used for the caller's calls (see callerConfig).
ReleaseStorePtr makeKubeReleaseStore(k8s::Client& operatorClient, k8s::RestConfig operatorConfig);

// The config for a call as the caller: the operator's API server and trust settings with `callerToken`
// as the only credential (no client certificate, token file or impersonation of the operator's).
k8s::RestConfig callerConfig(const k8s::RestConfig& operatorConfig, const std::string& callerToken);

}  // namespace aviary::server
