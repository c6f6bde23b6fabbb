#include "aviary/analysis/measurement_pool.h"

#include <algorithm>

namespace aviary::analysis {

MeasurementPool::MeasurementPool(const Clock& clock, MeasurementPoolOptions options)
    : clock_(clock), options_(std::move(options)) {
  for (int i = 0; i < options_.workers; ++i) workers_.emplace_back([this] { workerLoop(); });
}

MeasurementPool::~MeasurementPool() { shutDown(); }

std::optional<FetchedValues> MeasurementPool::take(const MeasurementKey& key, FetchWork work) {
  std::lock_guard lock(mutex_);
  dropUnclaimedLocked(clock_.now());
  if (auto it = looks_.find(key); it != looks_.end()) {
    if (it->second.state != State::Ready) return std::nullopt;
    auto values = std::move(it->second.values);
    looks_.erase(it);
    reportPendingLocked();
    return values;
  }
  if (stopping_ || queue_.size() >= options_.maxQueued) return std::nullopt;
  looks_[key] = Look{++nextId_, State::Queued, std::move(work), std::nullopt};
  queue_.push_back(key);
  reportPendingLocked();
  wakeWorkers_.notify_one();
  return std::nullopt;
}

void MeasurementPool::cancel(const std::string& release, const std::string& stage) {
  std::lock_guard lock(mutex_);
  auto matches = [&](const MeasurementKey& key) { return key.release == release && (stage.empty() || key.stage == stage); };
  std::erase_if(looks_, [&](const auto& entry) { return matches(entry.first); });
  std::erase_if(queue_, matches);
  reportPendingLocked();
}

void MeasurementPool::shutDown() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && workers_.empty()) return;
    stopping_ = true;
  }
  wakeWorkers_.notify_all();
  for (auto& worker : workers_) worker.join();
  workers_.clear();
}

size_t MeasurementPool::runQueued() {
  size_t ran = 0;
  MeasurementKey key;
  uint64_t id = 0;
  FetchWork work;
  while (true) {
    {
      std::lock_guard lock(mutex_);
      if (!popLocked(key, id, work)) return ran;
    }
    fetch(key, id, work);
    ++ran;
  }
}

size_t MeasurementPool::pending() const {
  std::lock_guard lock(mutex_);
  return pendingLocked();
}

size_t MeasurementPool::pendingLocked() const {
  return static_cast<size_t>(std::count_if(looks_.begin(), looks_.end(),
                                           [](const auto& entry) { return entry.second.state != State::Ready; }));
}

void MeasurementPool::workerLoop() {
  MeasurementKey key;
  uint64_t id = 0;
  FetchWork work;
  while (true) {
    {
      std::unique_lock lock(mutex_);
      wakeWorkers_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      if (!popLocked(key, id, work)) continue;
    }
    fetch(key, id, work);
  }
}

bool MeasurementPool::popLocked(MeasurementKey& key, uint64_t& id, FetchWork& work) {
  while (!queue_.empty()) {
    key = std::move(queue_.front());
    queue_.pop_front();
    auto it = looks_.find(key);
    if (it == looks_.end() || it->second.state != State::Queued) continue;
    it->second.state = State::Fetching;
    id = it->second.id;
    work = std::move(it->second.work);
    return true;
  }
  return false;
}

// Runs one look's work outside the lock; its values are kept only if the look is still wanted.
void MeasurementPool::fetch(const MeasurementKey& key, uint64_t id, FetchWork& work) {
  FetchedValues values = work();
  work = nullptr;  // what it captured goes now, not when the next look replaces it
  const bool failing = values.failing;
  {
    std::lock_guard lock(mutex_);
    auto it = looks_.find(key);
    if (it == looks_.end() || it->second.id != id || it->second.state != State::Fetching) return;  // cancelled
    it->second.state = State::Ready;
    it->second.values = std::move(values);
    reportPendingLocked();
  }
  if (options_.wake) options_.wake(key.release, failing);
}

void MeasurementPool::dropUnclaimedLocked(TimePoint now) {
  std::erase_if(looks_, [&](const auto& entry) {
    return entry.second.state == State::Ready && now - entry.second.values->readyAt > kUnclaimedTtl;
  });
}

void MeasurementPool::reportPendingLocked() const {
  if (options_.onPending) options_.onPending(pendingLocked());
}

}  // namespace aviary::analysis
