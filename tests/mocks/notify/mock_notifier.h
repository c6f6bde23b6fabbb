#pragma once
// gmock Notifier: the phase changes a pass announces.

#include <gmock/gmock.h>

#include "aviary/notify/notifier.h"

namespace aviary::testing {

class MockNotifier : public notify::Notifier {
 public:
  MOCK_METHOD(void, notify,
              (const notify::ReleaseNotification& notification, const std::vector<api::NotificationSpec>& destinations),
              (override));
};

}  // namespace aviary::testing
