#pragma once
// Short-lived memory of TokenReview and SubjectAccessReview answers, so an open dashboard page (a long
// poll every few seconds, three reviews per release page) and a busy CI caller do not cost the API
// server two reviews per request (docs/http-api.md, "Review cache"):
//   - keyed by a SHA-256 of the token (the raw token is never kept), resp. by the user, groups, verb,
//     namespace and release asked about;
//   - a positive answer is reused for `allowedTtl` (10 s): a revoked token or RoleBinding keeps working
//     that long at most;
//   - a negative answer (token refused, access denied) for `deniedTtl`: by default not at all, so a
//     freshly granted right or created token works at once (a page refreshed after a grant shows its
//     buttons);
//   - an Error (the review could not be made) is never kept;
//   - at most `maxEntries` answers: expired ones go first, then the one that expires soonest.
// Time comes from the injected Clock.
//
// Thread-safety: the decorators may be called from several threads at once (like the reviewers they
// wrap; two misses for the same key both ask). Ownership: the wrapped reviewer and the clock must
// outlive the decorator.

#include <chrono>
#include <cstddef>

#include "aviary/approval/access_reviewer.h"
#include "aviary/approval/token_reviewer.h"
#include "aviary/common/clock.h"

namespace aviary::server {

struct ReviewCacheOptions {
  Duration allowedTtl = std::chrono::seconds(10);
  Duration deniedTtl = Duration::zero();
  std::size_t maxEntries = 4096;
};

approval::TokenReviewerPtr cacheTokenReviews(approval::TokenReviewer& reviewer, const Clock& clock,
                                             ReviewCacheOptions options = {});
approval::AccessReviewerPtr cacheAccessReviews(approval::AccessReviewer& reviewer, const Clock& clock,
                                               ReviewCacheOptions options = {});

}  // namespace aviary::server
