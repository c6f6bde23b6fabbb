#include "aviary/server/release_store.h"

#include "aviary/api/decode.h"
#include "aviary/k8s/kube_client.h"

namespace aviary::server {

k8s::RestConfig callerConfig(const k8s::RestConfig& operatorConfig, const std::string& callerToken) {
  k8s::RestConfig config;
  config.server = operatorConfig.server;
  config.caData = operatorConfig.caData;
  config.insecureSkipTlsVerify = operatorConfig.insecureSkipTlsVerify;
  config.token = callerToken;
  config.source = "the HTTP API caller's bearer token";
  return config;
}

namespace {

class KubeReleaseStore final : public ReleaseStore {
 public:
  KubeReleaseStore(k8s::Client& operatorClient, k8s::RestConfig operatorConfig)
      : operatorClient_(operatorClient), operatorConfig_(std::move(operatorConfig)) {}

  Result<api::ModelRelease> read(const std::string& namespace_, const std::string& name) override {
    auto object = operatorClient_.get(k8s::resources::kModelReleases, namespace_, name);
    if (!object) return object.error();
    // A release the API server accepted decodes; what cannot be read stays at its default and the
    // handler's checks (is it waiting for an approval?) see that.
    api::FieldErrors ignored;
    return api::decodeModelRelease(*object, ignored);
  }

  Result<std::string> createApproval(const std::string& callerToken, const std::string& namespace_,
                                     const nlohmann::json& approval) override {
    auto client = callerClient(callerToken);
    if (!client) return client.error();
    auto created = (*client)->create(k8s::resources::kReleaseApprovals, namespace_, approval);
    if (!created) return created.error();
    return created->value("/metadata/name"_json_pointer, std::string());
  }

  Status patchRelease(const std::string& callerToken, const std::string& namespace_, const std::string& name,
                      const nlohmann::json& mergePatch) override {
    auto client = callerClient(callerToken);
    if (!client) return client.error();
    auto patched = (*client)->patch(k8s::resources::kModelReleases, namespace_, name, k8s::PatchType::Merge, mergePatch);
    if (!patched) return patched.error();
    return okStatus();
  }

 private:
  // A client per call: the token is the caller's and lives only as long as their request.
  Result<k8s::ClientPtr> callerClient(const std::string& callerToken) const {
    k8s::ClientOptions options;
    options.userAgent = "aviary-operator-http-api";
    return k8s::makeClient(callerConfig(operatorConfig_, callerToken), options);
  }

  k8s::Client& operatorClient_;
  const k8s::RestConfig operatorConfig_;
};

}  // namespace

ReleaseStorePtr makeKubeReleaseStore(k8s::Client& operatorClient, k8s::RestConfig operatorConfig) {
  return std::make_unique<KubeReleaseStore>(operatorClient, std::move(operatorConfig));
}

}  // namespace aviary::server
