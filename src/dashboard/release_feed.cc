#include "aviary/dashboard/release_feed.h"

namespace aviary::dashboard {

ReleaseFeed::ReleaseFeed(const Clock& clock, HistoryLimits limits) : history_(clock, limits) {}

runtime::EventHandler ReleaseFeed::handler() {
  runtime::EventHandler handler;
  handler.onAdd = [this](const runtime::ObjectPtr& object) { upsert(object); };
  handler.onUpdate = [this](const runtime::ObjectPtr&, const runtime::ObjectPtr& current) { upsert(current); };
  handler.onDelete = [this](const runtime::ObjectPtr& object) { remove(object); };
  return handler;
}

void ReleaseFeed::upsert(const runtime::ObjectPtr& release) {
  history_.observe(*release);
  {
    std::lock_guard lock(mutex_);
    releases_[runtime::objectKey(*release)] = release;
  }
  bump();
}

void ReleaseFeed::remove(const runtime::ObjectPtr& release) {
  const std::string key = runtime::objectKey(*release);
  history_.forget(key);
  {
    std::lock_guard lock(mutex_);
    releases_.erase(key);
  }
  bump();
}

std::vector<runtime::ObjectPtr> ReleaseFeed::releases() const {
  std::lock_guard lock(mutex_);
  std::vector<runtime::ObjectPtr> out;
  out.reserve(releases_.size());
  for (const auto& [key, release] : releases_) out.push_back(release);
  return out;
}

runtime::ObjectPtr ReleaseFeed::release(const std::string& key) const {
  std::lock_guard lock(mutex_);
  auto it = releases_.find(key);
  return it == releases_.end() ? nullptr : it->second;
}

uint64_t ReleaseFeed::version() const {
  std::lock_guard lock(mutex_);
  return version_;
}

uint64_t ReleaseFeed::waitForChange(uint64_t seen, Duration timeout) const {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [&] { return closed_ || version_ > seen; });
  return version_;
}

void ReleaseFeed::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  changed_.notify_all();
}

void ReleaseFeed::bump() {
  {
    std::lock_guard lock(mutex_);
    ++version_;
  }
  changed_.notify_all();
}

}  // namespace aviary::dashboard
