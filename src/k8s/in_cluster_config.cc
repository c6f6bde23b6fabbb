// The pod's service account, as client-go's rest.InClusterConfig reads it.

#include <cctype>
#include <cstdlib>

#include "aviary/k8s/rest_config.h"
#include "k8s/local_file.h"

namespace aviary::k8s {

Result<RestConfig> loadInClusterConfig(const std::string& secretsDir) {
  const char* host = std::getenv("KUBERNETES_SERVICE_HOST");
  const char* port = std::getenv("KUBERNETES_SERVICE_PORT");
  if (!host || !*host || !port || !*port) {
    return makeError(ErrorCode::NotFound,
                     "no kubeconfig ($KUBECONFIG, ~/.kube/config) and not in a cluster (KUBERNETES_SERVICE_HOST/PORT unset)");
  }
  RestConfig config;
  std::string hostText = host;
  // An IPv6 service address needs brackets in a URL.
  if (hostText.find(':') != std::string::npos) hostText = "[" + hostText + "]";
  config.server = "https://" + hostText + ":" + port;
  config.tokenFile = secretsDir + "/token";
  // Read once now so a pod without a mounted token fails at startup, not on the first request.
  auto token = readLocalFile(config.tokenFile, "service account token");
  if (!token) return token.error();
  auto ca = readLocalFile(secretsDir + "/ca.crt", "service account CA");
  if (!ca) return ca.error();
  config.caData = std::move(ca).value();
  if (auto ns = readLocalFile(secretsDir + "/namespace", "service account namespace")) {
    config.defaultNamespace = *ns;
    while (!config.defaultNamespace.empty() && std::isspace(static_cast<unsigned char>(config.defaultNamespace.back()))) {
      config.defaultNamespace.pop_back();
    }
  }
  config.source = "in-cluster service account";
  return config;
}

}  // namespace aviary::k8s
