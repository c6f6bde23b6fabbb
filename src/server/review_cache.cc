#include "aviary/server/review_cache.h"

#include <openssl/evp.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <stdexcept>

namespace aviary::server {

namespace {

// The token's SHA-256, as the cache's key: the token itself stays with the request that carried it.
std::string tokenDigest(const std::string& token) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(token.data(), token.size(), digest, &size, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 unavailable");  // an OpenSSL without SHA-256: not a runtime condition
  }
  return std::string(reinterpret_cast<const char*>(digest), size);
}

// Answers by key with their expiry; bounded. One mutex: lookups are a map find, far cheaper than the
// review they save.
template <typename Answer>
class ExpiringAnswers {
 public:
  ExpiringAnswers(const Clock& clock, ReviewCacheOptions options) : clock_(clock), options_(options) {}

  std::optional<Answer> find(const std::string& key) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end()) return std::nullopt;
    if (it->second.expires <= clock_.now()) {
      entries_.erase(it);
      return std::nullopt;
    }
    return it->second.answer;
  }

  void keep(const std::string& key, const Answer& answer, bool positive) {
    const Duration ttl = positive ? options_.allowedTtl : options_.deniedTtl;
    if (ttl <= Duration::zero() || options_.maxEntries == 0) return;
    std::lock_guard lock(mutex_);
    const TimePoint now = clock_.now();
    if (entries_.size() >= options_.maxEntries && !entries_.count(key)) makeRoom(now);
    entries_[key] = Entry{answer, now + ttl};
  }

 private:
  struct Entry {
    Answer answer;
    TimePoint expires;
  };

  void makeRoom(TimePoint now) {
    std::erase_if(entries_, [now](const auto& entry) { return entry.second.expires <= now; });
    if (entries_.size() < options_.maxEntries) return;
    auto soonest = std::min_element(entries_.begin(), entries_.end(),
                                    [](const auto& a, const auto& b) { return a.second.expires < b.second.expires; });
    entries_.erase(soonest);
  }

  const Clock& clock_;
  const ReviewCacheOptions options_;
  std::mutex mutex_;
  std::map<std::string, Entry> entries_;
};

class CachingTokenReviewer final : public approval::TokenReviewer {
 public:
  CachingTokenReviewer(approval::TokenReviewer& reviewer, const Clock& clock, ReviewCacheOptions options)
      : reviewer_(reviewer), answers_(clock, options) {}

  Result<approval::TokenVerdict> authenticate(const std::string& token) override {
    const std::string key = tokenDigest(token);
    if (auto known = answers_.find(key)) return *known;
    auto verdict = reviewer_.authenticate(token);
    if (verdict) answers_.keep(key, *verdict, verdict->authenticated);
    return verdict;
  }

 private:
  approval::TokenReviewer& reviewer_;
  ExpiringAnswers<approval::TokenVerdict> answers_;
};

class CachingAccessReviewer final : public approval::AccessReviewer {
 public:
  CachingAccessReviewer(approval::AccessReviewer& reviewer, const Clock& clock, ReviewCacheOptions options)
      : reviewer_(reviewer), answers_(clock, options) {}

  Result<approval::AccessVerdict> review(const approval::Identity& who, const approval::ReleaseAccess& access) override {
    const std::string key = keyOf(who, access);
    if (auto known = answers_.find(key)) return *known;
    auto verdict = reviewer_.review(who, access);
    if (verdict) answers_.keep(key, *verdict, verdict->allowed);
    return verdict;
  }

 private:
  // Every part length-prefixed, so no choice of names can make two questions one key.
  static std::string keyOf(const approval::Identity& who, const approval::ReleaseAccess& access) {
    std::string key;
    auto add = [&key](const std::string& part) { key += std::to_string(part.size()) + ":" + part; };
    add(who.username);
    key += "#" + std::to_string(who.groups.size());
    for (const auto& group : who.groups) add(group);
    add(access.verb);
    add(access.namespace_);
    add(access.release);
    return key;
  }

  approval::AccessReviewer& reviewer_;
  ExpiringAnswers<approval::AccessVerdict> answers_;
};

}  // namespace

approval::TokenReviewerPtr cacheTokenReviews(approval::TokenReviewer& reviewer, const Clock& clock,
                                             ReviewCacheOptions options) {
  return std::make_unique<CachingTokenReviewer>(reviewer, clock, options);
}

approval::AccessReviewerPtr cacheAccessReviews(approval::AccessReviewer& reviewer, const Clock& clock,
                                               ReviewCacheOptions options) {
  return std::make_unique<CachingAccessReviewer>(reviewer, clock, options);
}

}  // namespace aviary::server
