// The statistics against reference values from SciPy (fixtures/generate.py → fixtures/statistics.json).
#include "aviary/analysis/statistics.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

namespace aviary::analysis::stats {
namespace {

nlohmann::json fixtures() {
  auto path = std::filesystem::path(AVIARY_TEST_DIR) / "fixtures" / "statistics.json";
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

std::vector<double> numbers(const nlohmann::json& j) { return j.get<std::vector<double>>(); }

TEST(Statistics, MannWhitneyMatchesScipy) {
  for (const auto& c : fixtures()["mann_whitney"]) {
    SCOPED_TRACE(c["name"].get<std::string>());
    auto r = mannWhitney(numbers(c["x"]), numbers(c["y"]), c["confidence"]);
    EXPECT_NEAR(r.u, c["u"].get<double>(), 1e-9);
    EXPECT_NEAR(r.pValue, c["p"].get<double>(), 1e-9);
    EXPECT_NEAR(r.shift, c["shift"].get<double>(), 1e-9);
    EXPECT_NEAR(r.ciLow, c["ci_low"].get<double>(), 1e-9);
    EXPECT_NEAR(r.ciHigh, c["ci_high"].get<double>(), 1e-9);
  }
}

TEST(Statistics, MannWhitneyAllEqualHasNoEvidence) {
  auto r = mannWhitney(std::vector<double>(30, 5.0), std::vector<double>(30, 5.0), 0.95);
  EXPECT_DOUBLE_EQ(r.pValue, 1.0);
  EXPECT_DOUBLE_EQ(r.shift, 0.0);
}

TEST(Statistics, FisherExactMatchesScipy) {
  for (const auto& c : fixtures()["fisher"]) {
    auto t = c["table"];
    EXPECT_NEAR(fisherExactTwoSided(t[0][0], t[0][1], t[1][0], t[1][1]), c["p"].get<double>(), 1e-9) << t.dump();
  }
}

TEST(Statistics, TwoProportionMatchesScipyChiSquare) {
  for (const auto& c : fixtures()["two_proportion"]) {
    auto r = twoProportionTest(c["a"], c["n"], c["b"], c["m"]);
    if (r.exact) continue;  // small expected counts go to Fisher's test, covered above
    EXPECT_NEAR(r.pValue, c["p"].get<double>(), 1e-9) << c.dump();
  }
}

TEST(Statistics, TwoProportionUsesExactTestForSmallCounts) {
  auto r = twoProportionTest(3, 40, 0, 40);
  EXPECT_TRUE(r.exact);
  EXPECT_NEAR(r.pValue, fisherExactTwoSided(3, 37, 0, 40), 1e-12);
}

TEST(Statistics, PsiMatchesNumpy) {
  for (const auto& c : fixtures()["psi"]) {
    EXPECT_NEAR(populationStabilityIndex(numbers(c["actual"]), numbers(c["expected"])), c["psi"].get<double>(), 1e-12);
  }
}

TEST(Statistics, NormalQuantileMatchesScipy) {
  for (const auto& c : fixtures()["normal_quantile"]) {
    EXPECT_NEAR(normalQuantile(c["p"]), c["z"].get<double>(), 1e-9) << c["p"];
  }
}

}  // namespace
}  // namespace aviary::analysis::stats
