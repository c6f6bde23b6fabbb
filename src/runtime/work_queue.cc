#include "aviary/runtime/work_queue.h"

#include <algorithm>

namespace aviary::runtime {

// ---- DelayingQueueCore ----------------------------------------------------------------------------

void DelayingQueueCore::schedule(const std::string& key, MonotonicTime readyAt) {
  auto it = readyAt_.find(key);
  if (it != readyAt_.end() && it->second <= readyAt) return;
  readyAt_[key] = readyAt;
  heap_.push(Entry{readyAt, sequence_++, key});
}

void DelayingQueueCore::dropStale() {
  while (!heap_.empty()) {
    const Entry& top = heap_.top();
    auto it = readyAt_.find(top.key);
    if (it != readyAt_.end() && it->second == top.readyAt) return;
    heap_.pop();
  }
}

std::vector<std::string> DelayingQueueCore::popDue(MonotonicTime now) {
  std::vector<std::string> due;
  for (dropStale(); !heap_.empty() && heap_.top().readyAt <= now; dropStale()) {
    due.push_back(heap_.top().key);
    readyAt_.erase(heap_.top().key);
    heap_.pop();
  }
  return due;
}

std::optional<MonotonicTime> DelayingQueueCore::nextReadyAt() {
  dropStale();
  if (heap_.empty()) return std::nullopt;
  return heap_.top().readyAt;
}

// ---- WorkQueue -------------------------------------------------------------------------------------

WorkQueue::WorkQueue(Clock& clock, WorkQueueOptions options)
    : clock_(clock), options_(options), backoff_(options.backoff) {
  if (options_.timerThread) timer_ = std::thread([this] { timerLoop(); });
}

WorkQueue::~WorkQueue() {
  shutDown();
  if (timer_.joinable()) timer_.join();
}

void WorkQueue::addLocked(const std::string& key) {
  if (shuttingDown_ || dirty_.count(key)) return;
  dirty_.insert(key);
  // A key in a worker's hands is queued again by done(), so it is never processed twice at once.
  if (processing_.count(key)) return;
  queue_.push_back(key);
  depthChangedLocked();
  readyCv_.notify_one();
}

void WorkQueue::depthChangedLocked() const {
  if (options_.onDepth) options_.onDepth(first_.size() + queue_.size());
}

void WorkQueue::add(const std::string& key) {
  std::lock_guard lock(mutex_);
  addLocked(key);
}

void WorkQueue::addFirst(const std::string& key) {
  std::lock_guard lock(mutex_);
  if (shuttingDown_) return;
  if (processing_.count(key)) {
    dirty_.insert(key);
    urgent_.insert(key);
    return;
  }
  if (!dirty_.insert(key).second) {
    if (std::find(first_.begin(), first_.end(), key) != first_.end()) return;
    std::erase(queue_, key);
  }
  queueFirstLocked(key);
}

void WorkQueue::queueFirstLocked(const std::string& key) {
  first_.push_back(key);
  depthChangedLocked();
  readyCv_.notify_one();
  firstCv_.notify_one();
}

void WorkQueue::addAfter(const std::string& key, Duration delay) {
  std::lock_guard lock(mutex_);
  if (shuttingDown_) return;
  if (delay <= Duration::zero()) {
    addLocked(key);
    return;
  }
  auto before = delayed_.nextReadyAt();
  MonotonicTime readyAt = clock_.monotonicNow() + delay;
  delayed_.schedule(key, readyAt);
  if (!before || readyAt < *before) timerCv_.notify_one();
}

void WorkQueue::addRateLimited(const std::string& key) {
  Duration delay;
  {
    std::lock_guard lock(mutex_);
    delay = backoff_.next(key);
  }
  addAfter(key, delay);
}

void WorkQueue::forget(const std::string& key) {
  std::lock_guard lock(mutex_);
  backoff_.forget(key);
}

int WorkQueue::numRequeues(const std::string& key) const {
  std::lock_guard lock(mutex_);
  return backoff_.failures(key);
}

std::string WorkQueue::handOutLocked(std::deque<std::string>& from) {
  std::string key = std::move(from.front());
  from.pop_front();
  depthChangedLocked();
  processing_.insert(key);
  dirty_.erase(key);
  return key;
}

std::optional<std::string> WorkQueue::get() {
  std::unique_lock lock(mutex_);
  readyCv_.wait(lock, [this] { return !first_.empty() || !queue_.empty() || shuttingDown_; });
  if (shuttingDown_) return std::nullopt;
  return handOutLocked(first_.empty() ? queue_ : first_);
}

std::optional<std::string> WorkQueue::getFirst() {
  std::unique_lock lock(mutex_);
  firstCv_.wait(lock, [this] { return !first_.empty() || shuttingDown_; });
  if (shuttingDown_) return std::nullopt;
  return handOutLocked(first_);
}

void WorkQueue::done(const std::string& key) {
  std::lock_guard lock(mutex_);
  processing_.erase(key);
  const bool urgent = urgent_.erase(key) > 0;
  if (dirty_.count(key) && !shuttingDown_) {
    if (urgent) {
      queueFirstLocked(key);
    } else {
      queue_.push_back(key);
      depthChangedLocked();
      readyCv_.notify_one();
    }
  }
  if (processing_.empty()) drainCv_.notify_all();
}

size_t WorkQueue::len() const {
  std::lock_guard lock(mutex_);
  return first_.size() + queue_.size();
}

size_t WorkQueue::delayedLen() const {
  std::lock_guard lock(mutex_);
  return delayed_.size();
}

void WorkQueue::promoteDue() {
  std::lock_guard lock(mutex_);
  for (const auto& key : delayed_.popDue(clock_.monotonicNow())) addLocked(key);
}

void WorkQueue::shutDown() {
  {
    std::lock_guard lock(mutex_);
    shuttingDown_ = true;
    first_.clear();
    queue_.clear();
    depthChangedLocked();
  }
  readyCv_.notify_all();
  firstCv_.notify_all();
  timerCv_.notify_all();
}

void WorkQueue::shutDownWithDrain() {
  shutDown();
  std::unique_lock lock(mutex_);
  drainCv_.wait(lock, [this] { return processing_.empty(); });
}

bool WorkQueue::shuttingDown() const {
  std::lock_guard lock(mutex_);
  return shuttingDown_;
}

void WorkQueue::timerLoop() {
  std::unique_lock lock(mutex_);
  while (!shuttingDown_) {
    for (const auto& key : delayed_.popDue(clock_.monotonicNow())) addLocked(key);
    auto next = delayed_.nextReadyAt();
    if (!next) {
      timerCv_.wait(lock);
      continue;
    }
    // The wait is measured on the injected clock's distance, re-checked on every wake-up; with a
    // manual clock that does not move, the thread just re-checks after the (real) interval.
    auto wait = std::max(*next - clock_.monotonicNow(), MonotonicTime::duration::zero());
    timerCv_.wait_for(lock, wait);
  }
}

}  // namespace aviary::runtime
