#pragma once
// ModelRelease objects as the API server returns them (testdata/*.json), for the CLI's views.

#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/release_client.h"

namespace aviary::cli::testing {

inline std::string testdataPath(const std::string& file) { return std::string(AVIARY_CLI_TESTDATA) + "/" + file; }

inline std::string readTestdata(const std::string& file) {
  std::ifstream in(testdataPath(file));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline nlohmann::json fixture(const std::string& file) { return nlohmann::json::parse(readTestdata(file)); }

inline api::ModelRelease fixtureRelease(const std::string& file) { return decodeRelease(fixture(file)); }

}  // namespace aviary::cli::testing
