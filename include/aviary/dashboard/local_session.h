#pragma once
// `aviary dashboard` (docs/dashboard.md): the same dashboard and release API, run on 127.0.0.1 as
// the kubeconfig's user, like `kubectl argo rollouts dashboard` but not open to whoever reaches the
// port. The browser logs in with a random session token the command prints in its URL (the page
// keeps it in sessionStorage); behind that, every check and write is the kubeconfig user's own:
//   - the session token authenticates as the kubeconfig's identity (a SelfSubjectReview at start);
//   - authorization is a SelfSubjectAccessReview with the kubeconfig's credentials (any user may
//     make one; a SubjectAccessReview needs rights most users lack);
//   - writes are made with the kubeconfig's client: the session token never leaves the process.
//
// Thread-safety: all methods may be called from several threads at once. Ownership: the client must
// outlive what is made from it.

#include <string>

#include "aviary/approval/access_reviewer.h"
#include "aviary/approval/token_reviewer.h"
#include "aviary/k8s/client.h"
#include "aviary/server/release_store.h"

namespace aviary::dashboard {

// 32 random bytes as hex, from the system's CSPRNG.
std::string randomSessionToken();

// Authenticates `sessionToken` (and nothing else) as `identity`.
approval::TokenReviewerPtr makeSessionTokenReviewer(std::string sessionToken, approval::Identity identity);

// The SelfSubjectAccessReview asking about `access` (pure, for the adapter and its tests).
nlohmann::json selfSubjectAccessReview(const approval::ReleaseAccess& access);

// SelfSubjectAccessReviews with `client`; the identity handed to review() is not sent (it is the
// client's own).
approval::AccessReviewerPtr makeSelfAccessReviewer(k8s::Client& client);

// Reads and writes with `client`; the caller token handed to the writes (the session token) is unused.
server::ReleaseStorePtr makeKubeconfigReleaseStore(k8s::Client& client);

}  // namespace aviary::dashboard
