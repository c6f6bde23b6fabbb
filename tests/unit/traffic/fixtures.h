#pragma once
// Loads the route objects in testdata/ (found next to this file, so the binary runs from anywhere).

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "aviary/workload/applier.h"

namespace aviary::testing {

inline nlohmann::json loadFixture(const std::string& name) {
  const auto path = std::filesystem::path(AVIARY_TEST_DIR) / "testdata" / name;
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "missing fixture " << path;
  return nlohmann::json::parse(in);
}

inline workload::ReleaseRef fraudScorerRef() { return {"ml", "fraud-scorer", "release-uid-1"}; }

}  // namespace aviary::testing
