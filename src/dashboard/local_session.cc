#include "aviary/dashboard/local_session.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <cstdio>
#include <stdexcept>

#include "aviary/api/decode.h"

namespace aviary::dashboard {

namespace {

const k8s::ResourceType kSelfSubjectAccessReviews{"authorization.k8s.io", "v1", "selfsubjectaccessreviews",
                                                  "SelfSubjectAccessReview", false};

class SessionTokenReviewer final : public approval::TokenReviewer {
 public:
  SessionTokenReviewer(std::string token, approval::Identity identity)
      : token_(std::move(token)), identity_(std::move(identity)) {}

  Result<approval::TokenVerdict> authenticate(const std::string& token) override {
    approval::TokenVerdict verdict;
    // Constant time, so the token cannot be guessed a byte at a time.
    verdict.authenticated = token.size() == token_.size() && CRYPTO_memcmp(token.data(), token_.data(), token.size()) == 0;
    if (verdict.authenticated) {
      verdict.identity = identity_;
    } else {
      verdict.reason = "not this dashboard's session token (see the URL `aviary dashboard` printed)";
    }
    return verdict;
  }

 private:
  const std::string token_;
  const approval::Identity identity_;
};

class SelfAccessReviewer final : public approval::AccessReviewer {
 public:
  explicit SelfAccessReviewer(k8s::Client& client) : client_(client) {}

  Result<approval::AccessVerdict> review(const approval::Identity&, const approval::ReleaseAccess& access) override {
    auto answer = client_.review(kSelfSubjectAccessReviews, selfSubjectAccessReview(access));
    if (!answer) {
      Error error = answer.error();
      error.message = "SelfSubjectAccessReview failed: " + error.message;
      return error;
    }
    approval::AccessVerdict verdict;
    verdict.allowed = approval::accessAllowed(*answer, verdict.reason);
    return verdict;
  }

 private:
  k8s::Client& client_;
};

class KubeconfigReleaseStore final : public server::ReleaseStore {
 public:
  explicit KubeconfigReleaseStore(k8s::Client& client) : client_(client) {}

  Result<api::ModelRelease> read(const std::string& namespace_, const std::string& name) override {
    auto object = client_.get(k8s::resources::kModelReleases, namespace_, name);
    if (!object) return object.error();
    api::FieldErrors ignored;
    return api::decodeModelRelease(*object, ignored);
  }

  Result<std::string> createApproval(const std::string&, const std::string& namespace_,
                                     const nlohmann::json& approval) override {
    auto created = client_.create(k8s::resources::kReleaseApprovals, namespace_, approval);
    if (!created) return created.error();
    return created->value("/metadata/name"_json_pointer, std::string());
  }

  Status patchRelease(const std::string&, const std::string& namespace_, const std::string& name,
                      const nlohmann::json& mergePatch) override {
    auto patched = client_.patch(k8s::resources::kModelReleases, namespace_, name, k8s::PatchType::Merge, mergePatch);
    if (!patched) return patched.error();
    return okStatus();
  }

 private:
  k8s::Client& client_;
};

}  // namespace

nlohmann::json selfSubjectAccessReview(const approval::ReleaseAccess& access) {
  // The release API's review (access_reviewer.h) without a subject: the API server takes the caller's.
  nlohmann::json review = approval::subjectAccessReview(approval::Identity{}, access);
  review["kind"] = "SelfSubjectAccessReview";
  review["spec"].erase("user");
  review["spec"].erase("groups");
  return review;
}

std::string randomSessionToken() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("no random bytes for the session token");
  std::string token;
  for (unsigned char byte : bytes) {
    char hex[3];
    std::snprintf(hex, sizeof hex, "%02x", byte);
    token += hex;
  }
  return token;
}

approval::TokenReviewerPtr makeSessionTokenReviewer(std::string sessionToken, approval::Identity identity) {
  return std::make_unique<SessionTokenReviewer>(std::move(sessionToken), std::move(identity));
}

approval::AccessReviewerPtr makeSelfAccessReviewer(k8s::Client& client) {
  return std::make_unique<SelfAccessReviewer>(client);
}

server::ReleaseStorePtr makeKubeconfigReleaseStore(k8s::Client& client) {
  return std::make_unique<KubeconfigReleaseStore>(client);
}

}  // namespace aviary::dashboard
