#pragma once
// Decoding ModelRelease / ReleaseApproval from YAML or JSON text (multi-document YAML too) and from
// JSON objects read from the API server; encoding status back to JSON for the status subresource.
// Decoding never throws: every problem comes back as a FieldError with a field path.

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "aviary/api/model_release.h"
#include "aviary/api/release_approval.h"
#include "aviary/common/result.h"

namespace aviary::api {

// One problem with input, e.g. {path: "spec.strategy.canary.steps[2].setWeight",
// message: "must be between 0 and 100, got 150"}. line/column are 1-based, 0 when unknown.
struct FieldError {
  std::string path;
  std::string message;
  int line = 0;
  int column = 0;
  std::string describe() const;  // "<path>: <message>" (with "line L, column C: " when known)
};
using FieldErrors = std::vector<FieldError>;

// One document of a YAML/JSON stream, converted to JSON, with the position of each field so errors
// can name a line. Malformed text yields a single FieldError with line and column.
struct Mark {
  int line = 0;  // 1-based
  int column = 0;
};
struct Document {
  nlohmann::json object;
  int line = 1;  // where the document starts
  std::map<std::string, Mark> marks;  // field path ("spec.steps[2].setWeight", "" = root) → where it is written
  // Fills in line/column of errors that have none from the nearest written ancestor of their path
  // (a missing field points at its parent object).
  void locate(FieldErrors& errors) const;
};
Result<std::vector<Document>> parseDocuments(const std::string& text, FieldErrors& errors);

// Typed decode of one object. Unknown fields, wrong types and missing required fields are reported
// in `errors` (all of them); the returned value holds what could be read plus defaults.
ModelRelease decodeModelRelease(const nlohmann::json& object, FieldErrors& errors);
ReleaseApproval decodeReleaseApproval(const nlohmann::json& object, FieldErrors& errors);
ObjectMeta decodeObjectMeta(const nlohmann::json& metadata);

nlohmann::json encodeStatus(const ModelReleaseStatus& status);
ModelReleaseStatus decodeStatus(const nlohmann::json& status);  // lenient: status is ours
nlohmann::json encodeSpec(const ModelReleaseSpec& spec);

}  // namespace aviary::api
