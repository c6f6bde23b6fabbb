// I6 (docs/guarantees.md): the operator never acts on a spec the API server would reject. The CRD
// schema's rule table (tests/integration/crds/invalid/, each file rejected by a real kube-apiserver in
// crds_test.py) must be rejected by the operator's own check() too, and every valid fixture accepted
// by both.

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "api_test_support.h"
#include "aviary/api/decode.h"
#include "aviary/api/validate.h"

namespace aviary::api {
namespace {

std::vector<nlohmann::json> releasesIn(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  FieldErrors errors;
  auto documents = parseDocuments(text.str(), errors);
  EXPECT_TRUE(documents.ok()) << file;
  std::vector<nlohmann::json> out;
  if (!documents.ok()) return out;
  for (const auto& document : *documents) {
    if (document.object.value("kind", "") == "ModelRelease") out.push_back(document.object);
  }
  return out;
}

std::vector<std::filesystem::path> fixtures(const std::string& folder) {
  std::vector<std::filesystem::path> out;
  for (const auto& entry : std::filesystem::directory_iterator(testing::sourceDir() + "/tests/integration/crds/" + folder)) {
    if (entry.path().extension() == ".yaml") out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(CrdAgreement, WhatTheApiServerRejectsTheOperatorRejects) {
  int checked = 0;
  for (const auto& file : fixtures("invalid")) {
    for (const auto& object : releasesIn(file)) {
      ModelRelease release;
      EXPECT_FALSE(check(object, release).empty()) << file.filename() << ": the API server rejects it, the operator accepts it";
      ++checked;
    }
  }
  EXPECT_GE(checked, 9);
}

TEST(CrdAgreement, WhatTheApiServerAcceptsTheOperatorAccepts) {
  for (const auto& file : fixtures("valid")) {
    for (const auto& object : releasesIn(file)) {
      ModelRelease release;
      auto errors = check(object, release);
      EXPECT_TRUE(errors.empty()) << file.filename() << ": " << (errors.empty() ? "" : errors[0].describe());
    }
  }
}

}  // namespace
}  // namespace aviary::api
