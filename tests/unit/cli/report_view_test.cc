// `aviary report`'s rendering of decision-record.json (testdata/decision_record_*.json are the record
// builder's golden files): text, markdown and json compared with golden output.
// AVIARY_UPDATE_GOLDEN=1 rewrites the files (review the diff before committing them).
#include "cli/report_view.h"

#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>

#include "cli_fixtures.h"

namespace aviary::cli {
namespace {

using testing::fixture;

std::string golden(const std::string& file, const std::string& rendered) {
  if (std::getenv("AVIARY_UPDATE_GOLDEN")) std::ofstream(testing::testdataPath(file)) << rendered;
  return testing::readTestdata(file);
}

ReportSource fromMlflow() {
  return {"mlflow", "http://127.0.0.1:5000/#/experiments/1/runs/abc123", "FINISHED", true, ""};
}

TEST(ReportViewTest, PromotedCanaryAsText) {
  const auto rendered = renderReport(fixture("decision_record_promoted.json"), fromMlflow(), ReportFormat::Text);
  EXPECT_EQ(rendered, golden("report_promoted.txt", rendered));
  EXPECT_NE(rendered.find("approval approve by alice@example.com \"latency flat, error rate fine\" (accepted)"), std::string::npos);
}

TEST(ReportViewTest, PromotedCanaryAsMarkdown) {
  const auto rendered = renderReport(fixture("decision_record_promoted.json"), fromMlflow(), ReportFormat::Markdown);
  EXPECT_EQ(rendered, golden("report_promoted.md", rendered));
}

TEST(ReportViewTest, RolledBackCanaryNamesTheFailingGate) {
  ReportSource source{"status", "", "", true, ""};
  const auto rendered = renderReport(fixture("decision_record_rolled_back.json"), source, ReportFormat::Text);
  EXPECT_EQ(rendered, golden("report_rolled_back.txt", rendered));
  EXPECT_NE(rendered.find("Failing gate      error-rate at 2026-03-01T10:01:00Z step 1: value=0.052"), std::string::npos) << rendered;
}

TEST(ReportViewTest, RequestsNameTheirRequesterOrSayUnverified) {
  auto record = fixture("decision_record_promoted.json");
  record["timeline"].push_back({{"kind", "request"}, {"time", "2026-03-01T10:01:00Z"}, {"step", 1}, {"action", "promote"},
                                {"by", "carol"}});
  record["timeline"].push_back({{"kind", "request"}, {"time", "2026-03-01T10:01:10Z"}, {"step", 1}, {"action", "abort"},
                                {"message", "unverified: the request names no requester"}});
  const auto rendered = renderReport(record, fromMlflow(), ReportFormat::Text);
  EXPECT_NE(rendered.find("request promote by carol"), std::string::npos) << rendered;
  EXPECT_NE(rendered.find("request abort (unverified: no requester named)"), std::string::npos) << rendered;
}

TEST(ReportViewTest, JsonCarriesTheRecordAndWhereItCameFrom) {
  const auto record = fixture("decision_record_promoted.json");
  const auto rendered = nlohmann::json::parse(renderReport(record, fromMlflow(), ReportFormat::Json));
  EXPECT_EQ(rendered["record"], record);
  EXPECT_EQ(rendered["source"]["origin"], "mlflow");
  EXPECT_EQ(rendered["source"]["complete"], true);
}

TEST(ReportViewTest, AnIncompleteRecordSaysWhy) {
  auto record = fixture("decision_record_promoted.json");
  record["decision"] = nullptr;
  ReportSource source{"status", "", "", false, "the rollout is still running"};
  const auto rendered = renderReport(record, source, ReportFormat::Text);
  EXPECT_NE(rendered.find("Outcome           none yet (the rollout is running)"), std::string::npos) << rendered;
  EXPECT_NE(rendered.find("Record            INCOMPLETE: the rollout is still running"), std::string::npos) << rendered;
}

}  // namespace
}  // namespace aviary::cli
