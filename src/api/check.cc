#include "aviary/api/validate.h"

namespace aviary::api {

namespace {

// True when `path` is `reported` or lies under it ("a.b[1]" and "a.b.c" are under "a.b").
bool within(const std::string& path, const std::string& reported) {
  if (reported.empty()) return true;
  if (path.compare(0, reported.size(), reported) != 0) return false;
  return path.size() == reported.size() || path[reported.size()] == '.' || path[reported.size()] == '[';
}

// A value that failed to decode holds a default, which validation would report again in its own
// words; keep only the decoder's message for that field.
FieldErrors merge(FieldErrors decoded, const FieldErrors& validated) {
  const size_t decodedCount = decoded.size();
  for (const auto& finding : validated) {
    bool covered = false;
    for (size_t i = 0; i < decodedCount && !covered; ++i) covered = within(finding.path, decoded[i].path);
    if (!covered) decoded.push_back(finding);
  }
  return decoded;
}

}  // namespace

FieldErrors check(const nlohmann::json& object, ModelRelease& out) {
  FieldErrors decoded;
  out = decodeModelRelease(object, decoded);
  if (!object.is_object()) return decoded;
  return merge(std::move(decoded), validate(out));
}

FieldErrors check(const nlohmann::json& object, ReleaseApproval& out) {
  FieldErrors decoded;
  out = decodeReleaseApproval(object, decoded);
  if (!object.is_object()) return decoded;
  return merge(std::move(decoded), validate(out));
}

}  // namespace aviary::api
