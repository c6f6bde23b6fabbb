#pragma once
// gmock EventRecorder: the Kubernetes Events a pass records.

#include <gmock/gmock.h>

#include "aviary/runtime/event_recorder.h"

namespace aviary::testing {

class MockEventRecorder : public runtime::EventRecorder {
 public:
  MOCK_METHOD(void, record,
              (const runtime::ObjectReference& regarding, runtime::EventType type, const std::string& reason,
               const std::string& action, const std::string& note),
              (override));
};

}  // namespace aviary::testing
