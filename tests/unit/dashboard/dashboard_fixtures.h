#pragma once
// Releases for the dashboard's tests: the CLI's JSON fixtures (tests/unit/cli/testdata) and small
// objects built here, plus the golden-file helper (AVIARY_UPDATE_GOLDEN=1 rewrites the files).

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

namespace aviary::dashboard::testing {

inline nlohmann::json cliFixture(const std::string& file) {
  std::ifstream in(std::string(AVIARY_CLI_TESTDATA) + "/" + file);
  return nlohmann::json::parse(in);
}

// Compares `actual` with testdata/<file>; the diff shows in the assertion message.
inline std::string goldenPath(const std::string& file) { return std::string(AVIARY_DASHBOARD_TESTDATA) + "/" + file; }
inline nlohmann::json golden(const std::string& file, const nlohmann::json& actual) {
  if (std::getenv("AVIARY_UPDATE_GOLDEN")) std::ofstream(goldenPath(file)) << actual.dump(2) << "\n";
  std::ifstream in(goldenPath(file));
  if (!in) return nullptr;
  return nlohmann::json::parse(in);
}

// A release "ns/name" at a given routing, with the given gate measurements (name, time, value).
inline nlohmann::json release(const std::string& ns, const std::string& name, const std::string& phase = "Progressing",
                              int weight = 0, const std::string& rolloutStartedAt = "2024-05-01T09:00:00Z") {
  return {{"apiVersion", "aviary.dev/v1alpha1"},
          {"kind", "ModelRelease"},
          {"metadata", {{"namespace", ns}, {"name", name}, {"creationTimestamp", "2024-05-01T08:00:00Z"}}},
          {"spec", {{"model", {{"name", "fraud-scorer"}, {"version", "2"}}}}},
          {"status",
           {{"phase", phase}, {"canaryWeight", weight}, {"stableVersion", "1"}, {"canaryVersion", "2"},
            {"rolloutStartedAt", rolloutStartedAt}, {"gates", nlohmann::json::array()}}}};
}

inline nlohmann::json measurement(const std::string& time, double value, const std::string& verdict = "Pass") {
  return {{"time", time}, {"verdict", verdict}, {"value", value}, {"detail", "value " + std::to_string(value)}};
}

}  // namespace aviary::dashboard::testing
