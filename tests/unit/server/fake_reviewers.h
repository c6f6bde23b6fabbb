#pragma once
// TokenReviewer and AccessReviewer fakes for the HTTP API's and the dashboard's tests: tokens map to
// identities, grants are "user verb namespace/release" strings, and every question asked is recorded.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "aviary/approval/access_reviewer.h"
#include "aviary/approval/token_reviewer.h"

namespace aviary::server::testing {

class FakeTokens final : public approval::TokenReviewer {
 public:
  std::map<std::string, approval::Identity> users;  // token → identity
  std::optional<Error> outage;
  std::vector<std::string> seen;

  Result<approval::TokenVerdict> authenticate(const std::string& token) override {
    seen.push_back(token);
    if (outage) return *outage;
    auto it = users.find(token);
    if (it == users.end()) return approval::TokenVerdict{false, {}, "token has expired"};
    return approval::TokenVerdict{true, it->second, ""};
  }
};

class FakeAccess final : public approval::AccessReviewer {
 public:
  std::set<std::string> grants;  // "user verb namespace/release"
  std::optional<Error> outage;
  std::vector<approval::ReleaseAccess> asked;

  Result<approval::AccessVerdict> review(const approval::Identity& who, const approval::ReleaseAccess& access) override {
    asked.push_back(access);
    if (outage) return *outage;
    if (grants.count(who.username + " " + access.verb + " " + access.namespace_ + "/" + access.release)) {
      return approval::AccessVerdict{true, ""};
    }
    return approval::AccessVerdict{false, "no RBAC policy matched"};
  }
};

}  // namespace aviary::server::testing
