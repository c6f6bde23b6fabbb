#include <gtest/gtest.h>

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

class ReplicaMathTest : public ::testing::TestWithParam<ReplicaCase> {};

TEST_P(ReplicaMathTest, SplitsPerRouterKind) {
  const ReplicaCase& c = GetParam();
  api::ModelRelease release = canaryRelease({}, c.ratio);
  release.spec.replicas = c.replicas;
  ReplicaPlan plan = canaryReplicaPlan(release.spec, c.weight);
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
        // mesh: stable at full size, canary its share and at least one pod
        ReplicaCase{false, 4, 0, 4, 1}, ReplicaCase{false, 4, 10, 4, 1}, ReplicaCase{false, 4, 60, 4, 3},
        ReplicaCase{false, 4, 100, 4, 4}, ReplicaCase{false, 10, 33, 10, 4}));

}  // namespace
}  // namespace aviary::release::testing
