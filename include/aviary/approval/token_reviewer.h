#pragma once
// Who a bearer token belongs to, as the API server's authenticators say (a TokenReview,
// authentication.k8s.io/v1): the HTTP API's authentication. The token is never logged or kept.
//
// Thread-safety: authenticate may be called from several threads at once. Ownership: the Kubernetes
// client handed to makeKubeTokenReviewer must outlive the reviewer.

#include <memory>
#include <string>

#include "aviary/approval/approval_policy.h"
#include "aviary/common/result.h"
#include "aviary/k8s/client.h"

namespace aviary::approval {

struct TokenVerdict {
  bool authenticated = false;
  Identity identity;   // set when authenticated
  std::string reason;  // why not, as the API server put it (may be empty)
};

class TokenReviewer {
 public:
  virtual ~TokenReviewer() = default;
  // The verdict on `token`. An Error means the review could not be made (API server unreachable, the
  // operator not allowed to create tokenreviews): an outage, not a verdict on the caller.
  virtual Result<TokenVerdict> authenticate(const std::string& token) = 0;
};
using TokenReviewerPtr = std::unique_ptr<TokenReviewer>;

// A TokenReview per call, created with `client` (the operator's credentials).
TokenReviewerPtr makeKubeTokenReviewer(k8s::Client& client);

// The TokenReview for `token`, and its reading: pure, for the adapter and its tests.
nlohmann::json tokenReview(const std::string& token);
TokenVerdict readTokenReview(const nlohmann::json& answer);

}  // namespace aviary::approval
