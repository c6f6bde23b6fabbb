#pragma once
// gmock MetricProvider: a gate's measurement (Prometheus, webhook or command) without a server.

#include <gmock/gmock.h>

#include "aviary/analysis/provider.h"

namespace aviary::testing {

class MockMetricProvider : public analysis::MetricProvider {
 public:
  MOCK_METHOD(Result<analysis::MetricValue>, fetch, (const api::Gate& gate, const analysis::QueryContext& context),
              (override));
};

}  // namespace aviary::testing
