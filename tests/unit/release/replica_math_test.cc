#include <gtest/gtest.h>

#include "aviary/release/replica_split.h"
#include "planner_fixture.h"
#include "release/plan_context.h"

namespace aviary::release::testing {
namespace {

struct ReplicaCase {
  bool ratio;
  int32_t replicas;
  int32_t weight;
  int32_t stable;
  int32_t canary;
};

// replicas 1..10 (rows) × weights 0, 1, 10, 33, 50, 99, 100 (columns): {stable, canary}.
const std::vector<std::vector<std::pair<int, int>>> kTable = {
    /* 1 */ {{1, 0}, {1, 1}, {1, 1}, {1, 1}, {1, 1}, {1, 1}, {0, 1}},
    /* 2 */ {{2, 0}, {1, 1}, {1, 1}, {1, 1}, {1, 1}, {1, 1}, {0, 2}},
    /* 3 */ {{3, 0}, {2, 1}, {2, 1}, {2, 1}, {1, 2}, {1, 2}, {0, 3}},
    /* 4 */ {{4, 0}, {3, 1}, {3, 1}, {2, 2}, {2, 2}, {1, 3}, {0, 4}},
    /* 5 */ {{5, 0}, {4, 1}, {4, 1}, {3, 2}, {2, 3}, {1, 4}, {0, 5}},
    /* 6 */ {{6, 0}, {5, 1}, {5, 1}, {4, 2}, {3, 3}, {1, 5}, {0, 6}},
    /* 7 */ {{7, 0}, {6, 1}, {6, 1}, {4, 3}, {3, 4}, {1, 6}, {0, 7}},
    /* 8 */ {{8, 0}, {7, 1}, {7, 1}, {5, 3}, {4, 4}, {1, 7}, {0, 8}},
    /* 9 */ {{9, 0}, {8, 1}, {8, 1}, {6, 3}, {4, 5}, {1, 8}, {0, 9}},
    /* 10 */ {{10, 0}, {9, 1}, {9, 1}, {6, 4}, {5, 5}, {1, 9}, {0, 10}},
};
const std::vector<int> kWeights = {0, 1, 10, 33, 50, 99, 100};

TEST(ReplicaSplit, Table) {
  for (int replicas = 1; replicas <= 10; ++replicas) {
    for (std::size_t w = 0; w < kWeights.size(); ++w) {
      const ReplicaSplit got = replicaSplit(replicas, kWeights[w]);
      const auto [stable, canary] = kTable[replicas - 1][w];
      EXPECT_EQ(got.stable, stable) << "replicas " << replicas << " weight " << kWeights[w];
      EXPECT_EQ(got.canary, canary) << "replicas " << replicas << " weight " << kWeights[w];
    }
  }
}

// The planner and the replica-ratio router used to disagree here (the planner started two pods for a
// release scaled to zero). Zero replicas is a valid spec; it runs no pod at any weight.
TEST(ReplicaSplit, Edges) {
  for (int weight : {0, 1, 50, 99, 100}) {
    EXPECT_EQ(replicaSplit(0, weight).stable, 0) << weight;
    EXPECT_EQ(replicaSplit(0, weight).canary, 0) << weight;
  }
  EXPECT_EQ(replicaSplit(4, 150).canary, 4);  // clamped to 100
  EXPECT_EQ(replicaSplit(4, -5).canary, 0);   // clamped to 0
  EXPECT_EQ(replicaSplit(1000, 1).canary, 10);
}

class ReplicaMathTest : public ::testing::TestWithParam<ReplicaCase> {};

TEST_P(ReplicaMathTest, SplitsPerRouterKind) {
  const ReplicaCase& c = GetParam();
  api::ModelRelease release = canaryRelease({}, c.ratio);
  release.spec.replicas = c.replicas;
  ReplicaSplit plan = canaryReplicaPlan(release.spec, c.weight);
  EXPECT_EQ(plan.stable, c.stable) << "replicas " << c.replicas << " weight " << c.weight;
  EXPECT_EQ(plan.canary, c.canary) << "replicas " << c.replicas << " weight " << c.weight;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ReplicaMathTest,
    ::testing::Values(
        // replica ratio: canary = ceil(replicas × weight / 100), stable the rest, ≥ 1 below 100%
        ReplicaCase{true, 4, 0, 4, 0}, ReplicaCase{true, 4, 10, 3, 1}, ReplicaCase{true, 4, 25, 3, 1},
        ReplicaCase{true, 4, 50, 2, 2}, ReplicaCase{true, 4, 90, 1, 3}, ReplicaCase{true, 4, 100, 0, 4},
        ReplicaCase{true, 10, 33, 6, 4}, ReplicaCase{true, 1, 50, 1, 1}, ReplicaCase{true, 2, 99, 1, 1},
        ReplicaCase{true, 0, 50, 0, 0}, ReplicaCase{true, 0, 100, 0, 0},  // scaled to zero: no pod
        // mesh: stable at full size, canary its share and at least one pod
        ReplicaCase{false, 4, 0, 4, 1}, ReplicaCase{false, 4, 10, 4, 1}, ReplicaCase{false, 4, 60, 4, 3},
        ReplicaCase{false, 4, 100, 4, 4}, ReplicaCase{false, 10, 33, 10, 4}, ReplicaCase{false, 0, 50, 0, 0}));

}  // namespace
}  // namespace aviary::release::testing
