#include "aviary/telemetry/metrics_registry.h"

#include <cmath>
#include <limits>
#include <thread>

#include <gtest/gtest.h>

namespace aviary::telemetry {
namespace {

TEST(MetricsRegistry, FreshRegistryRendersNothing) {
  MetricsRegistry registry;
  EXPECT_EQ(registry.render(), "");
}

TEST(MetricsRegistry, RendersEveryTypeInNameOrderWithSortedSeries) {
  MetricsRegistry registry;
  Counter& requests = registry.counter("b_requests_total", "Requests by verb.", {"verb", "code"});
  Gauge& depth = registry.gauge("c_depth", "Keys waiting.");
  Histogram& latency = registry.histogram("a_latency_seconds", "Latency.", {"route"}, {0.1, 1});

  requests.withLabels({"verb", "PATCH"}, {"code", "409"}).inc();
  requests.withLabels({"code", "200"}, {"verb", "GET"}).inc(2);  // label order does not matter
  requests.withValues({"GET", "200"}).inc(0.5);
  depth.set(-3.25);
  latency.withLabels({"route", "/x"}).observe(0.1);  // on a bound: counted in le="0.1"
  latency.withLabels({"route", "/x"}).observe(0.5);
  latency.withLabels({"route", "/x"}).observe(7);

  EXPECT_EQ(registry.render(),
            "# HELP a_latency_seconds Latency.\n"
            "# TYPE a_latency_seconds histogram\n"
            "a_latency_seconds_bucket{route=\"/x\",le=\"0.1\"} 1\n"
            "a_latency_seconds_bucket{route=\"/x\",le=\"1\"} 2\n"
            "a_latency_seconds_bucket{route=\"/x\",le=\"+Inf\"} 3\n"
            "a_latency_seconds_sum{route=\"/x\"} 7.6\n"
            "a_latency_seconds_count{route=\"/x\"} 3\n"
            "# HELP b_requests_total Requests by verb.\n"
            "# TYPE b_requests_total counter\n"
            "b_requests_total{verb=\"GET\",code=\"200\"} 2.5\n"
            "b_requests_total{verb=\"PATCH\",code=\"409\"} 1\n"
            "# HELP c_depth Keys waiting.\n"
            "# TYPE c_depth gauge\n"
            "c_depth -3.25\n");
}

TEST(MetricsRegistry, UnlabelledFamiliesAreExportedAtZeroFromRegistration) {
  MetricsRegistry registry;
  registry.counter("events_total", "Events.");
  registry.histogram("work_seconds", "Work.", {}, {1});
  EXPECT_EQ(registry.render(),
            "# HELP events_total Events.\n"
            "# TYPE events_total counter\n"
            "events_total 0\n"
            "# HELP work_seconds Work.\n"
            "# TYPE work_seconds histogram\n"
            "work_seconds_bucket{le=\"1\"} 0\n"
            "work_seconds_bucket{le=\"+Inf\"} 0\n"
            "work_seconds_sum 0\n"
            "work_seconds_count 0\n");
}

TEST(MetricsRegistry, EscapesHelpAndLabelValues) {
  MetricsRegistry registry;
  Gauge& gauge = registry.gauge("g", "Line one\nC:\\path \"quoted\"", {"v"});
  gauge.withLabels({"v", "a\\b\"c\nd"}).set(1);
  EXPECT_EQ(registry.render(),
            "# HELP g Line one\\nC:\\\\path \"quoted\"\n"
            "# TYPE g gauge\n"
            "g{v=\"a\\\\b\\\"c\\nd\"} 1\n");
}

TEST(MetricsRegistry, SpecialValues) {
  MetricsRegistry registry;
  Gauge& gauge = registry.gauge("g", "G.", {"k"});
  gauge.withLabels({"k", "inf"}).set(std::numeric_limits<double>::infinity());
  gauge.withLabels({"k", "nan"}).set(std::nan(""));
  gauge.withLabels({"k", "ninf"}).set(-std::numeric_limits<double>::infinity());
  EXPECT_EQ(registry.render(),
            "# HELP g G.\n# TYPE g gauge\n"
            "g{k=\"inf\"} +Inf\n"
            "g{k=\"nan\"} NaN\n"
            "g{k=\"ninf\"} -Inf\n");
}

TEST(MetricsRegistry, CounterIgnoresNegativeAndNaNIncrements) {
  MetricsRegistry registry;
  Counter& counter = registry.counter("c_total", "C.");
  counter.inc(2);
  counter.inc(-1);
  counter.inc(std::nan(""));
  EXPECT_EQ(counter.withLabels().value(), 2);
}

TEST(MetricsRegistry, GaugeMovesBothWays) {
  MetricsRegistry registry;
  GaugeSeries gauge = registry.gauge("g", "G.").withLabels();
  gauge.inc();
  gauge.inc();
  gauge.dec();
  gauge.add(0.5);
  EXPECT_EQ(gauge.value(), 1.5);
  gauge.set(-7);
  EXPECT_EQ(gauge.value(), -7);
}

TEST(MetricsRegistry, HistogramBucketsAreSortedDeduplicatedAndInfIsImplicit) {
  MetricsRegistry registry;
  Histogram& histogram = registry.histogram(
      "h", "H.", {}, {5, 1, std::numeric_limits<double>::infinity(), 1, 0.25});
  EXPECT_EQ(histogram.buckets(), (std::vector<double>{0.25, 1, 5}));
  HistogramSeries series = histogram.withLabels();
  series.observe(std::nan(""));  // ignored
  series.observe(100);
  series.observe(-1);
  EXPECT_EQ(series.count(), 2u);
  EXPECT_EQ(series.sum(), 99);
}

TEST(MetricsRegistry, DefaultLatencyBucketsArePrometheusDefaults) {
  EXPECT_EQ(defaultLatencyBuckets(), (std::vector<double>{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}));
  MetricsRegistry registry;
  EXPECT_EQ(registry.histogram("h", "H.").buckets(), defaultLatencyBuckets());
}

TEST(MetricsRegistry, SameNameAndShapeReturnsTheSameFamily) {
  MetricsRegistry registry;
  Counter& first = registry.counter("c_total", "C.", {"a"});
  Counter& second = registry.counter("c_total", "Other help.", {"a"});
  EXPECT_EQ(&first, &second);
}

TEST(MetricsRegistryDeathTest, ConflictingRegistrationsAndBadNamesAbort) {
  EXPECT_DEATH(
      {
        MetricsRegistry registry;
        registry.counter("m", "M.", {"a"});
        registry.gauge("m", "M.", {"a"});
      },
      "registered twice");
  EXPECT_DEATH(
      {
        MetricsRegistry registry;
        registry.counter("m", "M.", {"a"});
        registry.counter("m", "M.", {"b"});
      },
      "registered twice");
  EXPECT_DEATH(
      {
        MetricsRegistry registry;
        registry.histogram("h", "H.", {}, {1});
        registry.histogram("h", "H.", {}, {2});
      },
      "registered twice");
  EXPECT_DEATH({ MetricsRegistry().counter("bad-name", "B."); }, "invalid metric name");
  EXPECT_DEATH({ MetricsRegistry().counter("m", "M.", {"__name"}); }, "invalid label name");
  EXPECT_DEATH({ MetricsRegistry().counter("m", "M.", {"a", "a"}); }, "declared twice");
  EXPECT_DEATH({ MetricsRegistry().histogram("h", "H.", {"le"}); }, "reserved");
  EXPECT_DEATH({ MetricsRegistry().histogram("h", "H.", {}, {std::nan("")}); }, "NaN bucket");
}

TEST(MetricsRegistry, RemoveDropsExactlyOneSeries) {
  MetricsRegistry registry;
  Counter& counter = registry.counter("c_total", "C.", {"namespace", "release"});
  CounterSeries kept = counter.withLabels({"namespace", "ml"}, {"release", "a"});
  CounterSeries removed = counter.withLabels({"namespace", "ml"}, {"release", "b"});
  kept.inc();
  removed.inc();
  EXPECT_TRUE(counter.remove({{"release", "b"}, {"namespace", "ml"}}));
  EXPECT_FALSE(counter.remove({{"release", "b"}, {"namespace", "ml"}}));
  EXPECT_FALSE(counter.remove({{"release", "a"}}));  // partial labels are not an exact match
  removed.inc();  // a held handle stays usable; it is just no longer exported
  EXPECT_EQ(registry.render(),
            "# HELP c_total C.\n# TYPE c_total counter\n"
            "c_total{namespace=\"ml\",release=\"a\"} 1\n");
  // Recreated after removal, a series starts again from zero.
  EXPECT_EQ(counter.withLabels({"namespace", "ml"}, {"release", "b"}).value(), 0);
}

TEST(MetricsRegistry, RemoveMatchingDropsEverySeriesCarryingTheSubset) {
  MetricsRegistry registry;
  Gauge& gauge = registry.gauge("g", "G.", {"namespace", "release", "gate"});
  gauge.withValues({"ml", "a", "errors"}).set(1);
  gauge.withValues({"ml", "a", "latency"}).set(1);
  gauge.withValues({"ml", "b", "errors"}).set(1);
  gauge.withValues({"other", "a", "errors"}).set(1);
  EXPECT_EQ(gauge.removeMatching({{"namespace", "ml"}, {"release", "a"}}), 2u);
  EXPECT_EQ(gauge.removeMatching({{"unknown", "x"}}), 0u);
  EXPECT_EQ(gauge.seriesCount(), 2u);
  EXPECT_EQ(gauge.removeMatching({{"gate", "errors"}}), 2u);
  EXPECT_EQ(gauge.seriesCount(), 0u);
}

TEST(MetricsRegistry, ReplaceMatchingLeavesOneSeriesPerSubset) {
  MetricsRegistry registry;
  Gauge& phase = registry.gauge("phase", "P.", {"release", "phase"});
  phase.replaceMatching({{"release", "a"}}, {"a", "Progressing"}).set(1);
  phase.replaceMatching({{"release", "b"}}, {"b", "Progressing"}).set(1);
  phase.replaceMatching({{"release", "a"}}, {"a", "Promoted"}).set(1);
  EXPECT_EQ(registry.render(),
            "# HELP phase P.\n# TYPE phase gauge\n"
            "phase{release=\"a\",phase=\"Promoted\"} 1\n"
            "phase{release=\"b\",phase=\"Progressing\"} 1\n");
}

TEST(MetricsRegistry, SeriesBeyondTheLimitAreDroppedAndCounted) {
  MetricsRegistry registry;
  Counter& counter = registry.counter("c_total", "C.", {"k"}, {2});
  counter.withLabels({"k", "a"}).inc();
  counter.withLabels({"k", "b"}).inc();
  CounterSeries third = counter.withLabels({"k", "c"});
  third.inc(5);  // goes nowhere
  counter.withLabels({"k", "a"}).inc();  // existing series are still served
  EXPECT_EQ(counter.seriesCount(), 2u);
  // Removing one makes room again.
  counter.remove({{"k", "b"}});
  counter.withLabels({"k", "c"}).inc();
  EXPECT_EQ(registry.render(),
            "# HELP aviary_metrics_dropped_series_total Series not created because their family reached its "
            "series limit or the labels did not match the family's label names.\n"
            "# TYPE aviary_metrics_dropped_series_total counter\n"
            "aviary_metrics_dropped_series_total{metric=\"c_total\"} 1\n"
            "# HELP c_total C.\n# TYPE c_total counter\n"
            "c_total{k=\"a\"} 2\n"
            "c_total{k=\"c\"} 1\n");
}

TEST(MetricsRegistry, MismatchedLabelNamesAreDroppedNotCrashed) {
  MetricsRegistry registry;
  Counter& counter = registry.counter("c_total", "C.", {"verb", "code"});
  counter.withLabels({"verb", "GET"}).inc();                               // missing one
  counter.withLabels({"verb", "GET"}, {"status", "200"}).inc();            // wrong name
  counter.withLabels({"verb", "GET"}, {"verb", "PUT"}).inc();              // repeated
  counter.withLabels({"verb", "GET"}, {"code", "200"}, {"x", "y"}).inc();  // one too many
  counter.withValues({"GET"}).inc();                                       // wrong arity
  EXPECT_EQ(counter.seriesCount(), 0u);
  Counter& dropped = registry.counter(MetricsRegistry::kDroppedSeriesMetric, "", {"metric"});
  EXPECT_EQ(dropped.withLabels({"metric", "c_total"}).value(), 5);
}

// Bounded threads: each hammers shared and private series while another creates, removes and renders.
TEST(MetricsRegistry, ConcurrentUpdatesAreNotLost) {
  MetricsRegistry registry;
  Counter& counter = registry.counter("c_total", "C.", {"worker"});
  Histogram& histogram = registry.histogram("h", "H.", {}, {0.5});
  Gauge& churn = registry.gauge("churn", "Series created and removed.", {"k"});
  constexpr int kThreads = 4;
  constexpr int kIterations = 20'000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kIterations; ++i) {
        counter.withLabels({"worker", "shared"}).inc();
        counter.withLabels({"worker", std::to_string(t)}).inc();
        histogram.observe(i % 2 == 0 ? 0.25 : 1.0);
      }
    });
  }
  threads.emplace_back([&] {
    for (int i = 0; i < 2'000; ++i) {
      churn.withLabels({"k", std::to_string(i % 7)}).set(i);
      churn.remove({{"k", std::to_string((i + 3) % 7)}});
      EXPECT_FALSE(registry.render().empty());
    }
  });
  for (std::thread& thread : threads) thread.join();

  EXPECT_EQ(counter.withLabels({"worker", "shared"}).value(), kThreads * kIterations);
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(counter.withLabels({"worker", std::to_string(t)}).value(), kIterations);
  HistogramSeries series = histogram.withLabels();
  EXPECT_EQ(series.count(), static_cast<std::uint64_t>(kThreads * kIterations));
  EXPECT_EQ(series.sum(), kThreads * kIterations / 2 * 1.25);
  std::string text = registry.render();
  EXPECT_NE(text.find("h_bucket{le=\"0.5\"} 40000\n"), std::string::npos) << text;
  EXPECT_NE(text.find("h_bucket{le=\"+Inf\"} 80000\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace aviary::telemetry
