#pragma once
// WebhookNotifier: POSTs each notification (generic JSON or Slack) to its webhooks over libcurl
// (aviary::httpFetch), from one delivery thread.
//  - notify() builds the bodies and queues them; it never blocks. When the queue is full the new
//    deliveries are dropped (counted), since a notification is information, never state.
//  - A failed attempt is retried per RetryPolicy; a webhook receives its notifications in order (a
//    later one waits while an earlier one to the same webhook is being retried).
//  - Each outcome is counted in aviary_notifications_total{format, result}, result one of sent,
//    retried (an attempt failed, another follows), failed (given up) and dropped (never attempted).
//  - URLs are never logged (Slack's carry their token): log lines name the notification instead.
// Thread-safety: notify(), pending() from any thread; deliverDue() from one thread at a time (the
// delivery thread, or a test with deliveryThread off). clock, logger and metrics must outlive it.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "aviary/common/egress_policy.h"

#include "aviary/common/clock.h"
#include "aviary/common/result.h"
#include "aviary/notify/notifier.h"
#include "aviary/notify/retry_policy.h"
#include "aviary/runtime/log.h"
#include "aviary/telemetry/metrics_registry.h"

namespace aviary::notify {

inline constexpr const char* kNotificationsMetric = "aviary_notifications_total";

// Reads the webhook URL a urlSecretRef names, in namespace ns. Called on the delivery thread.
using SecretUrlReader = std::function<Result<std::string>(const std::string& ns, const api::SecretKeyRef& ref)>;

struct WebhookNotifierOptions {
  // Sent for every release, besides its own spec.notifications (the operator's --notify-url).
  std::vector<api::NotificationSpec> operatorWide;
  RetryPolicy retry;
  std::chrono::milliseconds timeout{5000};  // per attempt
  std::size_t queueCapacity = 1024;
  bool deliveryThread = true;  // off only in unit tests that call deliverDue()
  // Checked on every delivery (the URLs come from specs and Secrets). Not owned; nullptr = none.
  const EgressPolicy* egress = nullptr;
};

class WebhookNotifier final : public Notifier {
 public:
  static constexpr std::size_t kMaxAnswerBytes = 64u << 10;  // answers are only logged
  WebhookNotifier(const Clock& clock, runtime::Logger& logger, telemetry::MetricsRegistry& metrics,
                  SecretUrlReader readSecretUrl, WebhookNotifierOptions options);
  ~WebhookNotifier() override;  // shutDown()
  WebhookNotifier(const WebhookNotifier&) = delete;
  WebhookNotifier& operator=(const WebhookNotifier&) = delete;

  void notify(const ReleaseNotification& notification, const std::vector<api::NotificationSpec>& destinations) override;

  // Attempts, on the calling thread, every delivery that is due now (what the delivery thread does).
  // Returns how many were attempted.
  std::size_t deliverDue();
  // When the next delivery is due; nullopt when nothing is queued.
  std::optional<TimePoint> nextDue() const;
  std::size_t pending() const;
  // Stops the delivery thread (after its attempt in flight); what is still queued is dropped and counted.
  void shutDown();

 private:
  struct Delivery {
    api::NotificationSpec destination;
    std::string namespace_;  // where destination's Secret is read; "" for operator-wide ones
    std::string release;     // "ns/name", for logs
    std::string orderKey;    // deliveries with the same key are attempted in the order they were queued
    std::string phase;
    std::string body;
    int attempts = 0;
    TimePoint dueAt;
    bool inFlight = false;
  };
  using Queue = std::list<Delivery>;

  void enqueue(Delivery delivery);
  // The deliveries that may be attempted now: due, and first in the queue for their webhook.
  std::vector<Queue::iterator> takeDueLocked(TimePoint now);
  std::optional<TimePoint> nextDueLocked() const;
  Result<std::string> urlOf(const Delivery& delivery) const;
  void attempt(Queue::iterator delivery);
  void count(api::NotificationFormat format, const char* result);
  void deliveryLoop();

  const Clock& clock_;
  runtime::Logger& logger_;
  telemetry::Counter& outcomes_;
  SecretUrlReader readSecretUrl_;
  WebhookNotifierOptions options_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  Queue queue_;
  bool stopping_ = false;
  std::thread deliverer_;
};

}  // namespace aviary::notify
