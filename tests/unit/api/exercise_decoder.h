#pragma once
// Runs a text through everything the api library does with user input and checks invariants that
// must hold for any input; aborts (so libFuzzer and gtest both see it) when one does not. Shared by
// the fuzzer (tests/fuzz) and the unit suite's property and corpus tests.

#include <cstdio>
#include <cstdlib>
#include <string>

#include "aviary/api/decode.h"
#include "aviary/api/validate.h"

namespace aviary::api::testing {

inline void require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "invariant violated: %s\n", what);
    std::abort();
  }
}

inline void exerciseDocument(const Document& document) {
  ModelRelease release;
  FieldErrors errors = check(document.object, release);
  ReleaseApproval approval;
  FieldErrors approvalErrors = check(document.object, approval);
  errors.insert(errors.end(), approvalErrors.begin(), approvalErrors.end());
  document.locate(errors);
  for (const auto& error : errors) {
    require(!error.message.empty(), "every error has a message");
    require(error.line >= 0 && error.column >= 0, "positions are not negative");
    (void)error.describe();
  }

  // A valid spec encodes to one that decodes cleanly to the same encoding. (Only a valid one: an
  // empty `interval: ""` is left out and reads back as the default "30s".)
  ModelRelease decoded;
  if (check(document.object, decoded).empty()) {
    nlohmann::json again = document.object;
    again["spec"] = encodeSpec(decoded.spec);
    FieldErrors reErrors;
    const ModelRelease redecoded = decodeModelRelease(again, reErrors);
    require(reErrors.empty(), "an encoded spec decodes without errors");
    require(encodeSpec(redecoded.spec) == again["spec"], "spec encoding is stable");
  }
  // Status: whatever is read back encodes the same after a second round.
  const ModelReleaseStatus status = decodeStatus(document.object.is_object() && document.object.contains("status")
                                                     ? document.object["status"]
                                                     : document.object);
  const nlohmann::json encoded = encodeStatus(status);
  require(encodeStatus(decodeStatus(encoded)) == encoded, "status encoding is stable");
  (void)decodeObjectMeta(document.object.is_object() ? document.object.value("metadata", nlohmann::json()) : document.object);
}

inline void exerciseDecoder(const std::string& text) {
  FieldErrors errors;
  auto documents = parseDocuments(text, errors);
  if (!documents.ok()) {
    require(errors.size() == 1, "malformed text is exactly one error");
    require(!errors[0].message.empty(), "a parse error has a message");
    return;
  }
  require(errors.empty(), "parsed text has no errors");
  for (const auto& document : *documents) exerciseDocument(document);
}

}  // namespace aviary::api::testing
