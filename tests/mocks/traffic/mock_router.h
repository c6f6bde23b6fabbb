#pragma once
// gmock Router, and a factory that hands the reconciler a forwarder to one MockRouter the test owns
// (the registry makes a fresh Router per pass).

#include <gmock/gmock.h>

#include "aviary/traffic/router.h"

namespace aviary::testing {

class MockRouter : public traffic::Router {
 public:
  MOCK_METHOD(Result<traffic::RouteState>, getRoutes, (const traffic::RouteTarget& target), (override));
  MOCK_METHOD(Result<workload::WriteOutcome>, setRoutes,
              (const traffic::RouteTarget& target, const traffic::TrafficSplit& split), (override));
};

// A RouterFactory whose routers forward to `mock` (which must outlive them).
inline traffic::RouterFactory forwardingTo(MockRouter& mock) {
  class Forwarder final : public traffic::Router {
   public:
    explicit Forwarder(MockRouter& to) : to_(to) {}
    Result<traffic::RouteState> getRoutes(const traffic::RouteTarget& target) override { return to_.getRoutes(target); }
    Result<workload::WriteOutcome> setRoutes(const traffic::RouteTarget& target,
                                             const traffic::TrafficSplit& split) override {
      return to_.setRoutes(target, split);
    }

   private:
    MockRouter& to_;
  };
  return [&mock](k8s::Client&) -> traffic::RouterPtr { return std::make_unique<Forwarder>(mock); };
}

}  // namespace aviary::testing
