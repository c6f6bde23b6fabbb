#include "aviary/notify/webhook_notifier.h"

#include <set>

#include "aviary/common/http_fetch.h"
#include "aviary/notify/payload.h"

namespace aviary::notify {

namespace {

constexpr std::size_t kMaxErrorBody = 200;

std::string replaceAll(std::string text, const std::string& what, const std::string& with) {
  if (what.empty()) return text;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + with.size())) {
    text.replace(at, what.size(), with);
  }
  return text;
}

// What went wrong, in words that never quote the URL (the transport's error texts do).
std::string failureText(const Result<HttpAnswer>& answer, const std::string& url, const std::string& name) {
  std::string text = answer.ok() ? "HTTP " + std::to_string(answer->status) + ": " + answer->body.substr(0, kMaxErrorBody)
                                 : answer.error().message;
  return replaceAll(std::move(text), url, "webhook " + name);
}

// People create Secrets with `echo`, which adds a newline.
std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

// Calls fn(delivery) for the first queued delivery of each webhook: only those may be attempted, so
// a webhook receives its notifications in order.
template <class Queue, class Fn>
void forEachHead(Queue& queue, Fn fn) {
  std::set<std::string> seen;
  for (auto it = queue.begin(); it != queue.end(); ++it) {
    if (seen.insert(it->orderKey).second) fn(it);
  }
}

}  // namespace

WebhookNotifier::WebhookNotifier(const Clock& clock, runtime::Logger& logger, telemetry::MetricsRegistry& metrics,
                                 SecretUrlReader readSecretUrl, WebhookNotifierOptions options)
    : clock_(clock),
      logger_(logger),
      outcomes_(metrics.counter(kNotificationsMetric,
                                "Webhook notifications of phase changes by result: sent, retried (an attempt failed, "
                                "another follows), failed (given up), dropped (never attempted).",
                                {"format", "result"})),
      readSecretUrl_(std::move(readSecretUrl)),
      options_(std::move(options)) {
  if (options_.deliveryThread) deliverer_ = std::thread([this] { deliveryLoop(); });
}

WebhookNotifier::~WebhookNotifier() { shutDown(); }

void WebhookNotifier::notify(const ReleaseNotification& notification,
                             const std::vector<api::NotificationSpec>& destinations) {
  const std::string release = notification.namespace_ + "/" + notification.release;
  auto queue = [&](const api::NotificationSpec& destination, const std::string& ns) {
    Delivery delivery;
    delivery.destination = destination;
    delivery.namespace_ = ns;
    delivery.release = release;
    // Per release and webhook: another release's failing webhook never holds this one's back.
    delivery.orderKey = release + (ns.empty() ? " operator " : " release ") + destination.name;
    delivery.phase = api::phaseName(notification.phase);
    delivery.body = payloadBody(destination.format, notification);
    delivery.dueAt = clock_.now();
    enqueue(std::move(delivery));
  };
  for (const auto& destination : destinations) queue(destination, notification.namespace_);
  for (const auto& destination : options_.operatorWide) queue(destination, "");
}

void WebhookNotifier::enqueue(Delivery delivery) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_ && queue_.size() < options_.queueCapacity) {
      queue_.push_back(std::move(delivery));
      wake_.notify_one();
      return;
    }
  }
  count(delivery.destination.format, "dropped");
  logger_.warn("notification dropped: the queue is full or the operator is stopping",
               {{"release", delivery.release}, {"notification", delivery.destination.name}, {"phase", delivery.phase}});
}

std::vector<WebhookNotifier::Queue::iterator> WebhookNotifier::takeDueLocked(TimePoint now) {
  std::vector<Queue::iterator> due;
  forEachHead(queue_, [&](Queue::iterator it) {
    if (it->inFlight || it->dueAt > now) return;
    it->inFlight = true;
    due.push_back(it);
  });
  return due;
}

std::optional<TimePoint> WebhookNotifier::nextDueLocked() const {
  std::optional<TimePoint> next;
  forEachHead(queue_, [&](Queue::const_iterator it) {
    if (!it->inFlight && (!next || it->dueAt < *next)) next = it->dueAt;
  });
  return next;
}

std::optional<TimePoint> WebhookNotifier::nextDue() const {
  std::lock_guard lock(mutex_);
  return nextDueLocked();
}

std::size_t WebhookNotifier::pending() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

std::size_t WebhookNotifier::deliverDue() {
  std::vector<Queue::iterator> due;
  {
    std::lock_guard lock(mutex_);
    due = takeDueLocked(clock_.now());
  }
  for (auto it : due) attempt(it);
  return due.size();
}

Result<std::string> WebhookNotifier::urlOf(const Delivery& delivery) const {
  const auto& destination = delivery.destination;
  if (destination.url) return *destination.url;
  if (!destination.urlSecretRef || !readSecretUrl_) {
    return makeError(ErrorCode::InvalidSpec, "notification " + destination.name + " has no url");
  }
  const auto& ref = *destination.urlSecretRef;
  auto value = readSecretUrl_(delivery.namespace_, ref);
  if (!value.ok()) return value.error();
  std::string url = trimmed(*value);
  // Checked here because the schema cannot see into the Secret: curl would also speak file:// or smtp://.
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
    return makeError(ErrorCode::InvalidSpec,
                     "key " + ref.key + " of Secret " + ref.name + " does not hold an http:// or https:// URL");
  }
  return url;
}

void WebhookNotifier::attempt(Queue::iterator it) {
  // Only this thread changes or removes a queued delivery (notify() only appends), so it is read
  // without the lock; what nextDue() reads is written under it.
  const Delivery& delivery = *it;
  const auto format = delivery.destination.format;
  const int attempts = delivery.attempts + 1;
  auto url = urlOf(delivery);
  FetchOptions fetch;
  fetch.timeout = options_.timeout;
  fetch.egress = options_.egress;
  fetch.maxBodyBytes = kMaxAnswerBytes;
  Result<HttpAnswer> answer = url.ok() ? httpFetch("POST", *url, delivery.body, {{"Content-Type", "application/json"}}, fetch)
                                       : Result<HttpAnswer>(url.error());
  const AttemptOutcome outcome = classifyAttempt(answer);
  nlohmann::json fields = {{"release", delivery.release},
                           {"notification", delivery.destination.name},
                           {"format", api::notificationFormatName(format)},
                           {"phase", delivery.phase},
                           {"attempt", attempts}};
  std::optional<Duration> retryIn;
  if (outcome == AttemptOutcome::Sent) {
    count(format, "sent");
    logger_.info("notification sent", fields);
  } else {
    fields["error"] = url.ok() ? failureText(answer, *url, delivery.destination.name) : url.error().message;
    if (outcome == AttemptOutcome::Retryable) retryIn = options_.retry.delayAfter(attempts);
    if (retryIn) {
      count(format, "retried");
      fields["retryInMs"] = retryIn->count();
      logger_.warn("notification not delivered; will retry", fields);
    } else {
      count(format, "failed");
      logger_.error("notification not delivered; giving up", fields);
    }
  }
  std::lock_guard lock(mutex_);
  if (!retryIn) {
    queue_.erase(it);
    return;
  }
  it->attempts = attempts;
  it->dueAt = clock_.now() + *retryIn;
  it->inFlight = false;
}

void WebhookNotifier::count(api::NotificationFormat format, const char* result) {
  outcomes_.withLabels({"format", api::notificationFormatName(format)}, {"result", result}).inc();
}

void WebhookNotifier::deliveryLoop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    const auto next = nextDueLocked();
    const auto now = clock_.now();
    if (!next) {
      wake_.wait(lock);
    } else if (*next > now) {
      wake_.wait_for(lock, *next - now);
    } else {
      lock.unlock();
      deliverDue();
      lock.lock();
    }
  }
}

void WebhookNotifier::shutDown() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !deliverer_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (deliverer_.joinable()) deliverer_.join();
  Queue left;
  {
    std::lock_guard lock(mutex_);
    left.swap(queue_);
  }
  for (const auto& delivery : left) count(delivery.destination.format, "dropped");
  if (!left.empty()) logger_.warn("notifications not delivered before shutdown", {{"dropped", left.size()}});
}

}  // namespace aviary::notify
