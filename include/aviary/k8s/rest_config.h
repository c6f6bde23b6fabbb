#pragma once
// Where the API server is and how to authenticate to it, resolved from a kubeconfig file or from the
// in-cluster service account. Certificates are read when the config is loaded (so an unreadable file is
// reported then, by path); a token file is re-read by the transport when it changes (projected tokens
// rotate).

#include <string>
#include <vector>

#include "aviary/common/result.h"

namespace aviary::k8s {

struct ClientOptions;

struct RestConfig {
  std::string server;          // "https://127.0.0.1:6443" (no trailing slash)
  std::string caData;          // PEM of the cluster CA; empty = the system trust store
  std::string clientCertData;  // PEM
  std::string clientKeyData;   // PEM
  std::string token;           // static bearer token
  std::string tokenFile;       // bearer token read from this file (wins over token)
  bool insecureSkipTlsVerify = false;  // only when the kubeconfig says so explicitly
  std::string defaultNamespace;        // the context's namespace or the pod's; "" when unset
  std::string impersonateUser;         // sent as Impersonate-User when set
  std::vector<std::string> impersonateGroups;
  std::string source;  // "kubeconfig /path (context x)" or "in-cluster", for messages
};

// Parses kubeconfig text. context "" = current-context. Relative file paths resolve against baseDir.
// Errors: ParseError for bad YAML, NotFound for a missing context/cluster/user, InvalidSpec for bad
// base64 or an unreadable certificate file (with its path).
Result<RestConfig> parseKubeconfig(const std::string& yaml, const std::string& context, const std::string& baseDir);
// Reads and parses a kubeconfig file (NotFound when the file does not exist).
Result<RestConfig> loadKubeconfig(const std::string& path, const std::string& context);

// The in-cluster service account: KUBERNETES_SERVICE_HOST/PORT and the files under secretsDir
// (token, ca.crt, namespace). NotFound when not running in a pod.
Result<RestConfig> loadInClusterConfig(const std::string& secretsDir = "/var/run/secrets/kubernetes.io/serviceaccount");

// The resolution order of makeClient: options.kubeconfigPath, else the first path of $KUBECONFIG, else
// ~/.kube/config when it exists, else in-cluster. An explicitly named file that is missing is an error,
// never a silent fallback. Impersonation settings of options are copied in.
Result<RestConfig> resolveRestConfig(const ClientOptions& options);

}  // namespace aviary::k8s
