#include "analysis/prometheus/prometheus_response.h"

#include <gtest/gtest.h>

#include <cmath>

#include "aviary/analysis/provider.h"

namespace aviary::analysis {
namespace {

TEST(PrometheusResponse, ShapesFromResultTypes) {
  auto scalar = parsePrometheusResponse(200, R"({"status":"success","data":{"resultType":"vector","result":[
      {"metric":{"version":"2"},"value":[1700000000.1,"0.25"]}]}})");
  ASSERT_TRUE(scalar.ok());
  EXPECT_DOUBLE_EQ(std::get<Scalar>(*scalar).value, 0.25);

  auto empty = parsePrometheusResponse(200, R"({"status":"success","data":{"resultType":"vector","result":[]}})");
  EXPECT_TRUE(std::holds_alternative<NoData>(*empty));

  auto several = parsePrometheusResponse(200, R"({"status":"success","data":{"resultType":"vector","result":[
      {"metric":{"pod":"a"},"value":[1,"1"]},{"metric":{"pod":"b"},"value":[1,"NaN"]}]}})");
  ASSERT_TRUE(std::holds_alternative<Samples>(*several));
  EXPECT_EQ(std::get<Samples>(*several).values.size(), 2u);
  EXPECT_TRUE(std::isnan(std::get<Samples>(*several).values[1]));

  auto matrix = parsePrometheusResponse(200, R"({"status":"success","data":{"resultType":"matrix","result":[
      {"metric":{},"values":[[1,"10"],[2,"12"],[3,"11"]]}]}})");
  EXPECT_EQ(std::get<Samples>(*matrix).values, (std::vector<double>{10, 12, 11}));

  auto literal = parsePrometheusResponse(200, R"({"status":"success","data":{"resultType":"scalar","result":[1,"3"]}})");
  EXPECT_DOUBLE_EQ(std::get<Scalar>(*literal).value, 3);
}

TEST(PrometheusResponse, HistogramBucketsAreSummedAcrossSeriesAndSorted) {
  auto h = parsePrometheusResponse(200, R"({"status":"success","data":{"resultType":"vector","result":[
      {"metric":{"le":"+Inf","pod":"a"},"value":[1,"10"]},
      {"metric":{"le":"0.5","pod":"a"},"value":[1,"4"]},
      {"metric":{"le":"0.5","pod":"b"},"value":[1,"1"]},
      {"metric":{"le":"+Inf","pod":"b"},"value":[1,"2"]}]}})");
  ASSERT_TRUE(h.ok());
  const auto& buckets = std::get<Histogram>(*h).buckets;
  ASSERT_EQ(buckets.size(), 2u);
  EXPECT_DOUBLE_EQ(buckets[0].upperBound, 0.5);
  EXPECT_DOUBLE_EQ(buckets[0].cumulativeCount, 5);
  EXPECT_TRUE(std::isinf(buckets[1].upperBound));
  EXPECT_DOUBLE_EQ(buckets[1].cumulativeCount, 12);
}

TEST(PrometheusResponse, ErrorsKeepPrometheusMessage) {
  auto bad = parsePrometheusResponse(400, R"({"status":"error","errorType":"bad_data","error":"parse error at char 5"})");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::BadRequest);
  EXPECT_NE(bad.error().message.find("parse error at char 5"), std::string::npos);

  auto html = parsePrometheusResponse(502, "<html>bad gateway</html>");
  ASSERT_FALSE(html.ok());
  EXPECT_EQ(html.error().code, ErrorCode::Unavailable);

  auto odd = parsePrometheusResponse(200, R"({"status":"success","data":{"resultType":"string","result":[1,"x"]}})");
  EXPECT_FALSE(odd.ok());
  auto truncated = parsePrometheusResponse(200, R"({"status":"success","data":{"resultType":"vector"}})");
  EXPECT_FALSE(truncated.ok());
}

TEST(PrometheusResponse, WrongShapesAreErrorsNotCrashes) {
  // Each once read out of bounds or threw past the parser (found by prometheus_response_fuzzer).
  for (const char* body : {
           R"({"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"valwes":[[1,"1"]]}]}})",
           R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"valu":[1,"1"]}]}})",
           R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{"le":"1"}}]}})",
           R"({"status":"success","data":{"resultType":"vector","result":{"metric":1}}})",
           R"({"status":"success","data":{"resultType":"matrix","result":5}})",
           R"({"status":"success","data":{"resultType":"vector","result":[5,6]}})",
           R"({"status":"success","data":{"resultType":"scalar","result":{}}})"}) {
    auto parsed = parsePrometheusResponse(200, body);
    ASSERT_FALSE(parsed.ok()) << body;
    EXPECT_EQ(parsed.error().code, ErrorCode::Unavailable) << body;
  }
  auto odd = parsePrometheusResponse(500, R"({"status":5,"errorType":[1],"error":{}})");
  ASSERT_FALSE(odd.ok());
  EXPECT_NE(odd.error().message.find("HTTP 500"), std::string::npos) << odd.error().message;
}

TEST(RenderTemplate, SubstitutesKnownNamesAndKeepsUnknownOnes) {
  QueryContext c;
  c.namespace_ = "ml";
  c.release = "fraud";
  c.version = "7";
  c.baselineVersion = "6";
  EXPECT_EQ(renderTemplate(R"(x{ns="{{namespace}}",r="{{ release }}",v="{{version}}",b="{{baselineVersion}}"})", c),
            R"(x{ns="ml",r="fraud",v="7",b="6"})");
  EXPECT_EQ(renderTemplate("{{versoin}} {{", c), "{{versoin}} {{");
}

}  // namespace
}  // namespace aviary::analysis
