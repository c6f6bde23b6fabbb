#include "cli/release_client.h"

#include <chrono>
#include <thread>

#include "aviary/api/decode.h"
#include "aviary/k8s/kube_client.h"
#include "aviary/k8s/rest_config.h"
#include "aviary/k8s/secret_reader.h"

namespace aviary::cli {

namespace {

using k8s::resources::kModelReleases;
using k8s::resources::kReleaseApprovals;

constexpr const char* kUserAgent = "aviary-cli";
constexpr auto kRetryPause = std::chrono::seconds(1);
constexpr int kWatchSeconds = 60;  // the server ends each stream after this; follow() resumes it

std::string resourceVersionOf(const Json& object) {
  return object.value("metadata", Json::object()).value("resourceVersion", std::string());
}

// Waits up to `pause`, returning early once stop is set.
void pauseUnlessStopped(std::chrono::milliseconds pause, const std::atomic<bool>& stop) {
  const auto until = std::chrono::steady_clock::now() + pause;
  while (!stop && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

bool worthRetrying(ErrorCode code) {
  return code == ErrorCode::Unavailable || code == ErrorCode::Timeout || code == ErrorCode::Internal ||
         code == ErrorCode::TooManyRequests || code == ErrorCode::ParseError;
}

}  // namespace

api::ModelRelease decodeRelease(const Json& object) {
  api::FieldErrors ignored;
  return api::decodeModelRelease(object, ignored);
}

ReleaseClient::ReleaseClient(k8s::ClientPtr client, std::string namespace_)
    : client_(std::move(client)), namespaceName_(std::move(namespace_)) {}

Result<std::unique_ptr<ReleaseClient>> ReleaseClient::connect(const Connection& connection) {
  k8s::ClientOptions options;
  options.kubeconfigPath = connection.kubeconfig;
  options.context = connection.context;
  options.userAgent = kUserAgent;
  auto config = k8s::resolveRestConfig(options);
  if (!config) return Error{config.error().code, "no cluster to talk to: " + config.error().message};
  auto client = k8s::makeClient(*config, options);
  if (!client) return client.error();
  std::string ns = !connection.namespace_.empty()       ? connection.namespace_
                   : !config->defaultNamespace.empty() ? config->defaultNamespace
                                                         : "default";
  return std::make_unique<ReleaseClient>(std::move(*client), std::move(ns));
}

Error ReleaseClient::explain(const Error& error, const std::string& release) const {
  if (error.code == ErrorCode::NotFound) {
    return Error{error.code, "modelrelease \"" + release + "\" not found in namespace \"" + namespaceName_ + "\"", error.httpStatus};
  }
  return error;
}

Result<Json> ReleaseClient::get(const std::string& release) {
  auto object = client_->get(kModelReleases, namespaceName_, release);
  if (!object) return explain(object.error(), release);
  return object;
}

Result<std::string> ReleaseClient::secretValue(const std::string& secret, const std::string& key) {
  return k8s::readSecretValue(*client_, namespaceName_, secret, key);
}

Result<Json> ReleaseClient::mergePatch(const std::string& release, const Json& patch) {
  auto object = client_->patch(kModelReleases, namespaceName_, release, k8s::PatchType::Merge, patch);
  if (!object) return explain(object.error(), release);
  return object;
}

Result<Json> ReleaseClient::createApproval(const Json& approval) {
  return client_->create(kReleaseApprovals, namespaceName_, approval);
}

Result<approval::Identity> ReleaseClient::whoAmI() {
  auto answer = client_->review(k8s::resources::kSelfSubjectReviews, Json{{"metadata", Json::object()}});
  if (!answer) return Error{answer.error().code, "SelfSubjectReview (who am I?) failed: " + answer.error().message};
  const Json info = answer->value("status", Json::object()).value("userInfo", Json::object());
  approval::Identity who{info.value("username", std::string()), info.value("groups", std::vector<std::string>())};
  if (who.username.empty()) return makeError(ErrorCode::Internal, "the API server's SelfSubjectReview names no user");
  return who;
}

Status ReleaseClient::follow(const std::string& release, const std::function<bool(const Json&)>& onObject,
                             std::atomic<bool>& stop) {
  struct StopOnReturn {
    std::atomic<bool>& stop;
    ~StopOnReturn() { stop = true; }
  } stopOnReturn{stop};
  std::string resourceVersion;  // "" = (re)read the release before watching
  bool firstRead = true;        // a server that cannot be reached at all is reported, not waited for
  while (!stop) {
    if (resourceVersion.empty()) {
      auto current = get(release);
      if (!current) {
        if (firstRead || !worthRetrying(current.error().code)) return current.error();
        pauseUnlessStopped(kRetryPause, stop);
        continue;
      }
      firstRead = false;
      resourceVersion = resourceVersionOf(*current);
      if (!onObject(*current)) return okStatus();
    }
    k8s::WatchOptions options;
    options.resourceVersion = resourceVersion;
    options.fieldSelector = "metadata.name=" + release;
    options.timeoutSeconds = kWatchSeconds;
    bool deleted = false;
    auto watched = client_->watch(kModelReleases, namespaceName_, options, [&](const k8s::WatchEvent& event) {
      if (stop) return;
      resourceVersion = resourceVersionOf(event.object);
      if (event.type == k8s::WatchEvent::Type::Deleted) {
        deleted = true;
        stop = true;
      } else if (event.type != k8s::WatchEvent::Type::Bookmark && !onObject(event.object)) {
        stop = true;
      }
    }, stop);
    if (deleted) return makeError(ErrorCode::NotFound, "modelrelease \"" + release + "\" was deleted");
    if (watched.ok()) continue;  // the stream ended (server timeout) or we stopped it
    const ErrorCode code = watched.error().code;
    if (code == ErrorCode::Unauthorized || code == ErrorCode::Forbidden || code == ErrorCode::NotFound) return watched.error();
    resourceVersion.clear();  // 410 Gone or a lost connection: read it again, then watch from there
    if (code != ErrorCode::Gone) pauseUnlessStopped(kRetryPause, stop);
  }
  return okStatus();
}

}  // namespace aviary::cli
