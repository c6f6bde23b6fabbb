#pragma once
// gmock Clock, for tests that need to see when time is read. Most tests want ManualClock
// (aviary/common/clock.h), which they move by hand.

#include <gmock/gmock.h>

#include "aviary/common/clock.h"

namespace aviary::testing {

class MockClock : public Clock {
 public:
  MOCK_METHOD(TimePoint, now, (), (const, override));
  MOCK_METHOD(MonotonicTime, monotonicNow, (), (const, override));
};

}  // namespace aviary::testing
