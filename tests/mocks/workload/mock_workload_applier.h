#pragma once
// gmock WorkloadApplier: what the reconciler asks of Deployments and Services, without a server.

#include <gmock/gmock.h>

#include "aviary/workload/applier.h"

namespace aviary::testing {

class MockWorkloadApplier : public workload::WorkloadApplier {
 public:
  MOCK_METHOD(Result<workload::WriteOutcome>, ensureDeployment,
              (const api::ModelRelease& release, const std::string& version, int32_t replicas,
               const std::optional<std::string>& modelUri),
              (override));
  MOCK_METHOD(Result<workload::WriteOutcome>, scaleDeployment,
              (const workload::ReleaseRef& release, const std::string& version, int32_t replicas), (override));
  MOCK_METHOD(Result<workload::WriteOutcome>, deleteDeployment,
              (const workload::ReleaseRef& release, const std::string& version), (override));
  MOCK_METHOD(Result<workload::WriteOutcome>, ensureServices,
              (const api::ModelRelease& release, const std::string& stableVersion, const std::string& canaryVersion),
              (override));
};

}  // namespace aviary::testing
