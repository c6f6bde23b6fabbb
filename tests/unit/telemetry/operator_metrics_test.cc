#include "aviary/telemetry/operator_metrics.h"

#include <algorithm>

#include <gtest/gtest.h>

namespace aviary::telemetry {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(OperatorMetrics, ExportsTheContractNamesFromTheStart) {
  MetricsRegistry registry;
  OperatorMetrics metrics(registry, "0.1.0");
  std::string text = registry.render();
  EXPECT_TRUE(contains(text, "# TYPE aviary_build_info gauge\naviary_build_info{version=\"0.1.0\"} 1\n")) << text;
  EXPECT_TRUE(contains(text, "# TYPE aviary_workqueue_depth gauge\naviary_workqueue_depth 0\n")) << text;
  EXPECT_TRUE(contains(text,
                       "# TYPE aviary_reconcile_duration_seconds histogram\n"
                       "aviary_reconcile_duration_seconds_bucket{le=\"0.0005\"} 0\n"
                       "aviary_reconcile_duration_seconds_bucket{le=\"0.001\"} 0\n"))
      << text;
  EXPECT_TRUE(contains(text, "aviary_reconcile_duration_seconds_bucket{le=\"5\"} 0\n"
                             "aviary_reconcile_duration_seconds_bucket{le=\"+Inf\"} 0\n"))
      << text;
  EXPECT_TRUE(contains(text,
                       "# TYPE aviary_rollback_reaction_seconds histogram\n"
                       "aviary_rollback_reaction_seconds_bucket{le=\"0.001\"} 0\n"))
      << text;
}

TEST(OperatorMetrics, RollbackReactionBucketsResolveTheTarget) {
  MetricsRegistry registry;
  OperatorMetrics metrics(registry, "dev");
  // The design's target is 250 ms at p99: buckets on both sides of it, and 5 s at the top.
  const auto& buckets = metrics.rollbackReaction.buckets();
  EXPECT_EQ(buckets.front(), 0.001);
  EXPECT_EQ(buckets.back(), 5);
  EXPECT_NE(std::find(buckets.begin(), buckets.end(), 0.2), buckets.end());
  EXPECT_NE(std::find(buckets.begin(), buckets.end(), 0.25), buckets.end());
  metrics.rollbackReaction.observe(0.18);
  std::string text = registry.render();
  EXPECT_TRUE(contains(text, "aviary_rollback_reaction_seconds_bucket{le=\"0.15\"} 0\n"
                             "aviary_rollback_reaction_seconds_bucket{le=\"0.2\"} 1\n"))
      << text;
  EXPECT_TRUE(contains(text, "aviary_rollback_reaction_seconds_count 1\n")) << text;
}

TEST(OperatorMetrics, FamiliesCarryTheContractLabels) {
  MetricsRegistry registry;
  OperatorMetrics m(registry, "dev");
  using Names = std::vector<std::string>;
  EXPECT_EQ(m.releaseInfo.name(), "aviary_release_info");
  EXPECT_EQ(m.releaseInfo.labelNames(), (Names{"namespace", "release", "model", "stable_version", "canary_version"}));
  EXPECT_EQ(m.releasePhase.name(), "aviary_release_phase");
  EXPECT_EQ(m.releasePhase.labelNames(), (Names{"namespace", "release", "phase"}));
  EXPECT_EQ(m.releaseCanaryWeight.name(), "aviary_release_canary_weight");
  EXPECT_EQ(m.releaseCanaryWeight.labelNames(), (Names{"namespace", "release"}));
  EXPECT_EQ(m.gateMeasurement.name(), "aviary_gate_measurement");
  EXPECT_EQ(m.gateMeasurement.labelNames(), (Names{"namespace", "release", "gate"}));
  EXPECT_EQ(m.gateVerdicts.name(), "aviary_gate_verdicts_total");
  EXPECT_EQ(m.gateVerdicts.labelNames(), (Names{"namespace", "release", "gate", "verdict"}));
  EXPECT_EQ(m.rollbacks.name(), "aviary_rollbacks_total");
  EXPECT_EQ(m.rollbacks.labelNames(), (Names{"namespace", "release"}));
  EXPECT_EQ(m.promotions.name(), "aviary_promotions_total");
  EXPECT_EQ(m.promotions.labelNames(), (Names{"namespace", "release"}));
  EXPECT_EQ(m.reconcileDuration.name(), "aviary_reconcile_duration_seconds");
  EXPECT_EQ(m.reconcileDuration.buckets().front(), 0.0005);
  EXPECT_EQ(m.reconcileDuration.buckets().back(), 5);
  EXPECT_EQ(m.rollbackReaction.name(), "aviary_rollback_reaction_seconds");
  EXPECT_TRUE(m.rollbackReaction.labelNames().empty());
  EXPECT_EQ(m.kubeRequests.name(), "aviary_kube_requests_total");
  EXPECT_EQ(m.kubeRequests.labelNames(), (Names{"verb", "code"}));
  EXPECT_EQ(m.cacheBehind.name(), "aviary_reconcile_cache_behind_total");
  EXPECT_TRUE(m.cacheBehind.labelNames().empty());
  EXPECT_EQ(m.workqueueDepth.name(), "aviary_workqueue_depth");
  EXPECT_EQ(m.buildInfo.name(), "aviary_build_info");
}

TEST(OperatorMetrics, TwoInstancesOverOneRegistryShareFamilies) {
  MetricsRegistry registry;
  OperatorMetrics first(registry, "1");
  OperatorMetrics second(registry, "1");
  first.rollbacks.withLabels({"namespace", "ml"}, {"release", "a"}).inc();
  EXPECT_EQ(second.rollbacks.withLabels({"namespace", "ml"}, {"release", "a"}).value(), 1);
}

TEST(OperatorMetrics, SetPhaseKeepsOneSeriesPerRelease) {
  MetricsRegistry registry;
  OperatorMetrics metrics(registry, "dev");
  metrics.setPhase("ml", "fraud", "Progressing");
  metrics.setPhase("ml", "churn", "Paused");
  metrics.setPhase("ml", "fraud", "RollingBack");
  std::string text = registry.render();
  EXPECT_TRUE(contains(text,
                       "# TYPE aviary_release_phase gauge\n"
                       "aviary_release_phase{namespace=\"ml\",release=\"churn\",phase=\"Paused\"} 1\n"
                       "aviary_release_phase{namespace=\"ml\",release=\"fraud\",phase=\"RollingBack\"} 1\n"
                       "# HELP"))
      << text;
}

TEST(OperatorMetrics, SetReleaseInfoReplacesOldVersions) {
  MetricsRegistry registry;
  OperatorMetrics metrics(registry, "dev");
  metrics.setReleaseInfo("ml", "fraud", "fraud-scorer", "6", "7");
  metrics.setReleaseInfo("ml", "fraud", "fraud-scorer", "7", "");
  EXPECT_EQ(metrics.releaseInfo.seriesCount(), 1u);
  EXPECT_TRUE(contains(registry.render(),
                       "aviary_release_info{namespace=\"ml\",release=\"fraud\",model=\"fraud-scorer\","
                       "stable_version=\"7\",canary_version=\"\"} 1\n"));
}

TEST(OperatorMetrics, ForgetReleaseRemovesOnlyThatReleasesSeries) {
  MetricsRegistry registry;
  OperatorMetrics m(registry, "dev");
  for (const std::string release : {"gone", "kept"}) {
    m.setReleaseInfo("ml", release, "model", "1", "2");
    m.setPhase("ml", release, "Progressing");
    m.releaseCanaryWeight.withLabels({"namespace", "ml"}, {"release", release}).set(10);
    m.gateMeasurement.withLabels({"namespace", "ml"}, {"release", release}, {"gate", "errors"}).set(0.01);
    m.gateVerdicts.withLabels({"namespace", "ml"}, {"release", release}, {"gate", "errors"}, {"verdict", "Failed"})
        .inc();
    m.rollbacks.withLabels({"namespace", "ml"}, {"release", release}).inc();
    m.promotions.withLabels({"namespace", "ml"}, {"release", release}).inc();
  }
  m.setPhase("other", "gone", "Promoted");  // same name, other namespace
  m.kubeRequests.withLabels({"verb", "GET"}, {"code", "200"}).inc();

  m.forgetRelease("ml", "gone");

  std::string text = registry.render();
  EXPECT_FALSE(contains(text, "namespace=\"ml\",release=\"gone\"")) << text;
  EXPECT_TRUE(contains(text, "namespace=\"other\",release=\"gone\"")) << text;
  for (FamilyBase* family : std::initializer_list<FamilyBase*>{&m.releaseInfo, &m.releasePhase, &m.releaseCanaryWeight,
                                                                &m.gateMeasurement, &m.gateVerdicts, &m.rollbacks,
                                                                &m.promotions}) {
    EXPECT_TRUE(contains(text, family->name() + "{namespace=\"ml\",release=\"kept\"")) << family->name();
  }
  EXPECT_TRUE(contains(text, "aviary_kube_requests_total{verb=\"GET\",code=\"200\"} 1\n"));
}

}  // namespace
}  // namespace aviary::telemetry
