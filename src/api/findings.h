#pragma once
// Findings: the small vocabulary validation rules are written in. Each check appends at most one
// FieldError with its path and a message that says what is allowed and what was given.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>

#include "aviary/api/decode.h"

namespace aviary::api::detail {

class Findings {
 public:
  explicit Findings(FieldErrors& errors) : errors_(errors) {}

  void add(const std::string& path, std::string message) { errors_.push_back({path, std::move(message)}); }

  void range(const std::string& path, int64_t value, int64_t min, int64_t max);
  void atLeast(const std::string& path, int64_t value, int64_t min);
  void nonEmpty(const std::string& path, const std::string& value);
  // A Go-style duration (aviary::parseDuration); positive: zero is not allowed either.
  void duration(const std::string& path, const std::string& text, bool positive = false);
  void duration(const std::string& path, const std::optional<std::string>& text, bool positive = false) {
    if (text) duration(path, *text, positive);
  }
  // Kubernetes names: a DNS-1123 label (≤ 63, [a-z0-9-], alphanumeric at both ends) or subdomain
  // (≤ 253, labels joined by dots).
  void dnsLabel(const std::string& path, const std::string& name);
  void dnsSubdomain(const std::string& path, const std::string& name);
  // A label value (≤ 63, [A-Za-z0-9._-], alphanumeric at both ends), non-empty.
  void labelValue(const std::string& path, const std::string& value);
  void httpUrl(const std::string& path, const std::string& url);
  // Exactly one of the named alternatives is set: "must set exactly one of a, b (found none)".
  void exactlyOne(const std::string& path, std::initializer_list<std::pair<const char*, bool>> alternatives);

 private:
  FieldErrors& errors_;
};

}  // namespace aviary::api::detail
