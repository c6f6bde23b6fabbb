#pragma once
// The requests `aviary promote|abort|rollback|retry` hand to the operator: the annotations
// aviary.dev/request (what), aviary.dev/request-id (a fresh id; the operator acts once per id and
// records it in status.lastHandledRequest) and aviary.dev/requested-by (who: the patch is
// server::requestPatch, shared with the HTTP API). Pure apart from newRequestId's randomness.

#include <string>

#include <nlohmann/json.hpp>

namespace aviary::cli {

// "cli-<unix milliseconds>-<8 random hex digits>": unique enough that two people (or two CI jobs)
// asking in the same millisecond still get two ids.
std::string newRequestId();

// The merge patch setting spec.model.version.
nlohmann::json versionPatch(const std::string& version);

}  // namespace aviary::cli
