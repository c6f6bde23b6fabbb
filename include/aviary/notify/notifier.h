#pragma once
// Tells people about a release's phase changes (webhooks today: webhook_notifier.h).
// notify() never waits on the network: delivery happens on the notifier's own thread, so a slow or
// failing endpoint can delay neither a reconcile nor a rollback.
// Thread-safety: notify() may be called from any thread.

#include <memory>
#include <vector>

#include "aviary/api/model_release.h"
#include "aviary/notify/notification.h"

namespace aviary::notify {

class Notifier {
 public:
  virtual ~Notifier() = default;
  // Queues `notification` for `destinations` (the release's spec.notifications; Secrets they name are
  // read in the release's namespace) and for the operator-wide destinations. Never blocks.
  virtual void notify(const ReleaseNotification& notification, const std::vector<api::NotificationSpec>& destinations) = 0;
};

using NotifierPtr = std::unique_ptr<Notifier>;

}  // namespace aviary::notify
