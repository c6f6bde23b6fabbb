#include "aviary/approval/access_reviewer.h"

namespace aviary::approval {

nlohmann::json subjectAccessReview(const Identity& who, const ReleaseAccess& access) {
  // The approval path's review (approval_policy.h), with the verb this access is about.
  auto review = subjectAccessReview(who, access.namespace_, access.release);
  review["spec"]["resourceAttributes"]["verb"] = access.verb;
  return review;
}

namespace {

class KubeAccessReviewer final : public AccessReviewer {
 public:
  explicit KubeAccessReviewer(k8s::Client& client) : client_(client) {}

  Result<AccessVerdict> review(const Identity& who, const ReleaseAccess& access) override {
    auto answer = client_.review(k8s::resources::kSubjectAccessReviews, subjectAccessReview(who, access));
    if (!answer) {
      Error error = answer.error();
      error.message = "SubjectAccessReview failed: " + error.message;
      return error;
    }
    AccessVerdict verdict;
    verdict.allowed = accessAllowed(*answer, verdict.reason);
    return verdict;
  }

 private:
  k8s::Client& client_;
};

}  // namespace

AccessReviewerPtr makeKubeAccessReviewer(k8s::Client& client) { return std::make_unique<KubeAccessReviewer>(client); }

}  // namespace aviary::approval
