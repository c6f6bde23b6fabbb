#pragma once
// Which API resource a call is about: group/version/resource, as in the REST path.

#include <string>

namespace aviary::k8s {

struct ResourceType {
  std::string group;     // "" for the core group
  std::string version;   // "v1"
  std::string resource;  // plural, e.g. "deployments"
  std::string kind;      // "Deployment" (for objects we create)
  bool namespaced = true;

  std::string apiVersion() const { return group.empty() ? version : group + "/" + version; }
  // "/api/v1" or "/apis/<group>/<version>"
  std::string groupVersionPath() const { return group.empty() ? "/api/" + version : "/apis/" + group + "/" + version; }
  // Collection path; namespace_ empty = all namespaces (or cluster-scoped).
  std::string collectionPath(const std::string& namespace_) const {
    std::string p = groupVersionPath();
    if (namespaced && !namespace_.empty()) p += "/namespaces/" + namespace_;
    return p + "/" + resource;
  }
  std::string objectPath(const std::string& namespace_, const std::string& name) const {
    return collectionPath(namespace_) + "/" + name;
  }
  std::string key() const { return resource + (group.empty() ? "" : "." + group); }
};

namespace resources {
inline const ResourceType kModelReleases{"aviary.dev", "v1alpha1", "modelreleases", "ModelRelease", true};
inline const ResourceType kReleaseApprovals{"aviary.dev", "v1alpha1", "releaseapprovals", "ReleaseApproval", true};
inline const ResourceType kDeployments{"apps", "v1", "deployments", "Deployment", true};
inline const ResourceType kServices{"", "v1", "services", "Service", true};
inline const ResourceType kConfigMaps{"", "v1", "configmaps", "ConfigMap", true};
inline const ResourceType kSecrets{"", "v1", "secrets", "Secret", true};
inline const ResourceType kPods{"", "v1", "pods", "Pod", true};
inline const ResourceType kNamespaces{"", "v1", "namespaces", "Namespace", false};
inline const ResourceType kLeases{"coordination.k8s.io", "v1", "leases", "Lease", true};
inline const ResourceType kEvents{"events.k8s.io", "v1", "events", "Event", true};
inline const ResourceType kHttpRoutes{"gateway.networking.k8s.io", "v1", "httproutes", "HTTPRoute", true};
inline const ResourceType kVirtualServices{"networking.istio.io", "v1", "virtualservices", "VirtualService", true};
inline const ResourceType kSelfSubjectReviews{"authentication.k8s.io", "v1", "selfsubjectreviews", "SelfSubjectReview", false};
inline const ResourceType kTokenReviews{"authentication.k8s.io", "v1", "tokenreviews", "TokenReview", false};
inline const ResourceType kSubjectAccessReviews{"authorization.k8s.io", "v1", "subjectaccessreviews", "SubjectAccessReview", false};
}  // namespace resources

}  // namespace aviary::k8s
