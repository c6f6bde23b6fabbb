#include "aviary/approval/token_reviewer.h"

namespace aviary::approval {

nlohmann::json tokenReview(const std::string& token) {
  // No audiences: the API server's own (its --api-audiences, the service-account issuer by default),
  // so a token made for another service is refused.
  return {{"apiVersion", "authentication.k8s.io/v1"}, {"kind", "TokenReview"}, {"spec", {{"token", token}}}};
}

TokenVerdict readTokenReview(const nlohmann::json& answer) {
  TokenVerdict verdict;
  const auto status = answer.value("status", nlohmann::json::object());
  verdict.reason = status.value("error", std::string());
  if (!status.value("authenticated", false)) return verdict;
  const auto user = status.value("user", nlohmann::json::object());
  verdict.identity.username = user.value("username", std::string());
  for (const auto& group : user.value("groups", nlohmann::json::array())) {
    if (group.is_string()) verdict.identity.groups.push_back(group.get<std::string>());
  }
  // An identity without a name could not be bound by RBAC nor named in an approval.
  verdict.authenticated = !verdict.identity.username.empty();
  if (!verdict.authenticated && verdict.reason.empty()) verdict.reason = "the token names no user";
  return verdict;
}

namespace {

class KubeTokenReviewer final : public TokenReviewer {
 public:
  explicit KubeTokenReviewer(k8s::Client& client) : client_(client) {}

  Result<TokenVerdict> authenticate(const std::string& token) override {
    auto answer = client_.review(k8s::resources::kTokenReviews, tokenReview(token));
    if (!answer) {
      Error error = answer.error();
      error.message = "TokenReview failed: " + error.message;
      return error;
    }
    return readTokenReview(*answer);
  }

 private:
  k8s::Client& client_;
};

}  // namespace

TokenReviewerPtr makeKubeTokenReviewer(k8s::Client& client) { return std::make_unique<KubeTokenReviewer>(client); }

}  // namespace aviary::approval
