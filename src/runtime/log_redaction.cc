#include "aviary/runtime/log_redaction.h"

#include <array>
#include <cctype>

namespace aviary::runtime {

namespace {

// Lower case without the separators people put in names: "API_Key" → "apikey".
std::string normalizedName(std::string_view name) {
  std::string out;
  for (unsigned char c : name) {
    if (c != '_' && c != '-' && c != '.') out += static_cast<char>(std::tolower(c));
  }
  return out;
}

bool endsWith(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool isSecretQueryName(std::string_view name) {
  const std::string normal = normalizedName(name);
  return isSecretFieldName(name) || normal == "key" || normal == "sig" || normal == "signature" || normal == "auth";
}

bool isSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }
bool endsQuotedText(char c) { return isSpace(c) || c == '"' || c == '\'' || c == '<' || c == '>' || c == '`'; }
bool endsAuthority(char c) { return endsQuotedText(c) || c == '/' || c == '?' || c == '#'; }
bool endsQueryValue(char c) { return endsQuotedText(c) || c == '&' || c == '#' || c == ',' || c == ';'; }
bool isParameterNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-' || c == '.';
}
bool isCredentialChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '+' || c == '/' || c == '=' || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

// Each scanner looks at text[at…]; when it recognises its pattern it appends the redacted form to out
// and returns where scanning continues, else returns at unchanged.

// scheme://user:password@host → scheme://[redacted]@host
size_t redactUserInfo(std::string_view text, size_t at, std::string& out) {
  if (text.compare(at, 3, "://") != 0) return at;
  size_t end = at + 3;
  while (end < text.size() && !endsAuthority(text[end])) ++end;
  const size_t sign = text.substr(at + 3, end - at - 3).rfind('@');
  if (sign == std::string_view::npos) return at;
  out += "://";
  out += kRedacted;
  return at + 3 + sign;  // continue at the '@'
}

// ?token=abc&x=1 → ?token=[redacted]&x=1
size_t redactQueryValue(std::string_view text, size_t at, std::string& out) {
  if (text[at] != '?' && text[at] != '&') return at;
  size_t nameEnd = at + 1;
  while (nameEnd < text.size() && isParameterNameChar(text[nameEnd])) ++nameEnd;
  if (nameEnd == at + 1 || nameEnd >= text.size() || text[nameEnd] != '=') return at;
  if (!isSecretQueryName(text.substr(at + 1, nameEnd - at - 1))) return at;
  out.append(text.substr(at, nameEnd + 1 - at));
  out += kRedacted;
  size_t next = nameEnd + 1;
  while (next < text.size() && !endsQueryValue(text[next])) ++next;
  return next;
}

// "Bearer eyJhbGci…" → "Bearer [redacted]". Only a credential-looking word of 8+ characters counts, so
// prose such as "Basic auth failed" stays readable.
size_t redactAuthorizationCredential(std::string_view text, size_t at, std::string& out) {
  static constexpr std::array<std::string_view, 2> kSchemes = {"Bearer ", "Basic "};
  if (at > 0 && std::isalnum(static_cast<unsigned char>(text[at - 1]))) return at;
  for (std::string_view scheme : kSchemes) {
    if (text.compare(at, scheme.size(), scheme) != 0) continue;
    size_t start = at + scheme.size();
    while (start < text.size() && text[start] == ' ') ++start;
    size_t end = start;
    while (end < text.size() && isCredentialChar(text[end])) ++end;
    if (end - start < 8) return at;
    out.append(text.substr(at, start - at));
    out += kRedacted;
    return end;
  }
  return at;
}

}  // namespace

bool isSecretFieldName(std::string_view name) {
  static constexpr std::array<std::string_view, 9> kSecretSuffixes = {
      "password", "passwd", "secret", "token", "authorization", "apikey", "credentials", "cookie", "webhookurl"};
  const std::string normal = normalizedName(name);
  for (std::string_view suffix : kSecretSuffixes) {
    if (endsWith(normal, suffix)) return true;
  }
  return false;
}

std::string redactSecrets(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t at = 0;
  while (at < text.size()) {
    size_t next = redactUserInfo(text, at, out);
    if (next == at) next = redactQueryValue(text, at, out);
    if (next == at) next = redactAuthorizationCredential(text, at, out);
    if (next == at) out += text[at++];
    else at = next;
  }
  return out;
}

void redactSecrets(nlohmann::ordered_json& value) {
  if (value.is_string()) {
    value = redactSecrets(value.get_ref<const std::string&>());
  } else if (value.is_object()) {
    for (auto& [name, member] : value.items()) {
      if (isSecretFieldName(name) && !member.is_null()) member = kRedacted;
      else redactSecrets(member);
    }
  } else if (value.is_array()) {
    for (auto& item : value) redactSecrets(item);
  }
}

}  // namespace aviary::runtime
