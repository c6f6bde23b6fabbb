// kubeconfig files (clusters / users / contexts), parsed with yaml-cpp; its exceptions stay here.

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>

#include "aviary/k8s/client.h"
#include "aviary/k8s/rest_config.h"
#include "k8s/local_file.h"

namespace aviary::k8s {

namespace {

std::string scalar(const YAML::Node& node, const char* key) {
  YAML::Node value = node[key];
  return value && value.IsScalar() ? value.as<std::string>() : std::string();
}

// The entry of a named list (clusters, users, contexts) whose `name` matches, as its inner map.
YAML::Node findNamed(const YAML::Node& root, const char* list, const char* inner, const std::string& name) {
  YAML::Node entries = root[list];
  if (!entries || !entries.IsSequence()) return YAML::Node(YAML::NodeType::Undefined);
  for (const YAML::Node& entry : entries) {
    if (scalar(entry, "name") == name) {
      YAML::Node body = entry[inner];
      return body ? body : YAML::Node(YAML::NodeType::Map);
    }
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

std::string resolvePath(const std::string& path, const std::string& baseDir) {
  if (path.empty() || std::filesystem::path(path).is_absolute() || baseDir.empty()) return path;
  return (std::filesystem::path(baseDir) / path).string();
}

// A PEM given inline (base64 "-data") or as a file; the inline form wins, as in kubectl.
Result<std::string> pemField(const YAML::Node& node, const char* dataKey, const char* fileKey, const std::string& what,
                             const std::string& baseDir) {
  std::string data = scalar(node, dataKey);
  if (!data.empty()) {
    auto decoded = decodeBase64(data);
    if (!decoded) return makeError(ErrorCode::InvalidSpec, std::string(dataKey) + ": " + decoded.error().message);
    return std::move(decoded).value();
  }
  std::string file = scalar(node, fileKey);
  if (file.empty()) return std::string();
  auto content = readLocalFile(resolvePath(file, baseDir), what);
  // A certificate named by the config but missing is a broken config, not an absent one.
  if (!content) return makeError(ErrorCode::InvalidSpec, content.error().message);
  return std::move(content).value();
}

Result<RestConfig> fromYaml(const YAML::Node& root, const std::string& contextName, const std::string& baseDir) {
  std::string name = contextName.empty() ? scalar(root, "current-context") : contextName;
  if (name.empty()) return makeError(ErrorCode::NotFound, "no context given and no current-context set");
  YAML::Node context = findNamed(root, "contexts", "context", name);
  if (!context) return makeError(ErrorCode::NotFound, "context \"" + name + "\" not found");
  std::string clusterName = scalar(context, "cluster");
  YAML::Node cluster = findNamed(root, "clusters", "cluster", clusterName);
  if (!cluster) return makeError(ErrorCode::NotFound, "cluster \"" + clusterName + "\" of context \"" + name + "\" not found");
  std::string userName = scalar(context, "user");
  YAML::Node user = userName.empty() ? YAML::Node(YAML::NodeType::Map) : findNamed(root, "users", "user", userName);
  if (!user) return makeError(ErrorCode::NotFound, "user \"" + userName + "\" of context \"" + name + "\" not found");
  if (user["exec"] || user["auth-provider"]) {
    return makeError(ErrorCode::InvalidSpec, "user \"" + userName + "\": exec and auth-provider credentials are not supported");
  }

  RestConfig config;
  config.server = scalar(cluster, "server");
  if (config.server.empty()) return makeError(ErrorCode::InvalidSpec, "cluster \"" + clusterName + "\" has no server");
  while (!config.server.empty() && config.server.back() == '/') config.server.pop_back();
  YAML::Node insecure = cluster["insecure-skip-tls-verify"];
  config.insecureSkipTlsVerify = insecure && insecure.IsScalar() && insecure.as<bool>(false);
  config.defaultNamespace = scalar(context, "namespace");

  auto ca = pemField(cluster, "certificate-authority-data", "certificate-authority", "certificate authority", baseDir);
  if (!ca) return ca.error();
  config.caData = std::move(ca).value();
  auto cert = pemField(user, "client-certificate-data", "client-certificate", "client certificate", baseDir);
  if (!cert) return cert.error();
  config.clientCertData = std::move(cert).value();
  auto key = pemField(user, "client-key-data", "client-key", "client key", baseDir);
  if (!key) return key.error();
  config.clientKeyData = std::move(key).value();
  if (config.clientCertData.empty() != config.clientKeyData.empty()) {
    return makeError(ErrorCode::InvalidSpec, "user \"" + userName + "\": a client certificate needs its key and vice versa");
  }
  config.token = scalar(user, "token");
  config.tokenFile = resolvePath(scalar(user, "tokenFile"), baseDir);
  config.impersonateUser = scalar(user, "as");
  if (YAML::Node groups = user["as-groups"]; groups && groups.IsSequence()) {
    for (const YAML::Node& group : groups) config.impersonateGroups.push_back(group.as<std::string>());
  }
  config.source = "context \"" + name + "\"";
  return config;
}

}  // namespace

Result<RestConfig> parseKubeconfig(const std::string& yaml, const std::string& context, const std::string& baseDir) {
  try {
    YAML::Node root = YAML::Load(yaml);
    if (!root.IsMap()) return makeError(ErrorCode::ParseError, "kubeconfig is not a YAML mapping");
    return fromYaml(root, context, baseDir);
  } catch (const YAML::Exception& e) {
    return makeError(ErrorCode::ParseError, std::string("kubeconfig: ") + e.what());
  }
}

Result<RestConfig> loadKubeconfig(const std::string& path, const std::string& context) {
  auto text = readLocalFile(path, "kubeconfig");
  if (!text) return text.error();
  auto config = parseKubeconfig(*text, context, std::filesystem::path(path).parent_path().string());
  if (!config) return Error{config.error().code, "kubeconfig " + path + ": " + config.error().message};
  config->source = "kubeconfig " + path + " " + config->source;
  return config;
}

Result<RestConfig> resolveRestConfig(const ClientOptions& options) {
  std::string path = options.kubeconfigPath;
  if (path.empty()) {
    // Only the first file of a KUBECONFIG list is read: aviary does not merge kubeconfigs.
    const char* env = std::getenv("KUBECONFIG");
    std::string list = env ? env : "";
    path = list.substr(0, list.find(':'));
  }
  if (path.empty()) {
    const char* home = std::getenv("HOME");
    std::string fallback = home ? std::string(home) + "/.kube/config" : "";
    if (!fallback.empty() && std::filesystem::exists(fallback)) path = fallback;
  }
  Result<RestConfig> config = path.empty() ? loadInClusterConfig() : loadKubeconfig(path, options.context);
  if (!config) return config;
  if (!options.impersonateUser.empty()) {
    config->impersonateUser = options.impersonateUser;
    config->impersonateGroups = options.impersonateGroups;
  }
  return config;
}

}  // namespace aviary::k8s
