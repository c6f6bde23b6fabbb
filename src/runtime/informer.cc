#include "aviary/runtime/informer.h"

namespace aviary::runtime {

namespace {

std::string resourceVersionOf(const Json& object) {
  const Json::json_pointer pointer("/metadata/resourceVersion");
  return object.contains(pointer) && object.at(pointer).is_string() ? object.at(pointer).get<std::string>() : "";
}

// List items of built-in types come without apiVersion/kind; event recorders and owner references
// need them, so the cache always carries them.
ObjectPtr snapshot(Json object, const k8s::ResourceType& type) {
  Json trimmed = trimObject(std::move(object));
  if (!trimmed.contains("apiVersion")) trimmed["apiVersion"] = type.apiVersion();
  if (!trimmed.contains("kind")) trimmed["kind"] = type.kind;
  return std::make_shared<const Json>(std::move(trimmed));
}

}  // namespace

EventHandler enqueueKeyHandler(std::function<void(const std::string& key)> enqueue) {
  EventHandler handler;
  handler.onAdd = [enqueue](const ObjectPtr& object) { enqueue(objectKey(*object)); };
  handler.onUpdate = [enqueue](const ObjectPtr&, const ObjectPtr& current) { enqueue(objectKey(*current)); };
  handler.onDelete = [enqueue](const ObjectPtr& object) { enqueue(objectKey(*object)); };
  return handler;
}

Informer::Informer(k8s::Client& client, k8s::ResourceType type, InformerOptions options, Logger& logger)
    : client_(client),
      type_(std::move(type)),
      options_(std::move(options)),
      logger_(logger),
      backoff_(options_.reconnectBackoff) {}

Informer::~Informer() { stop(); }

void Informer::addHandler(EventHandler handler) { handlers_.push_back(std::move(handler)); }

void Informer::start() {
  stopping_ = false;
  loop_ = std::thread([this] { run(); });
  if (options_.resyncPeriod > Duration::zero()) resync_ = std::thread([this] { resyncLoop(); });
}

void Informer::stop() {
  stopping_ = true;
  abortWatch_ = true;
  {
    std::lock_guard lock(mutex_);
    wake_.notify_all();
  }
  if (loop_.joinable()) loop_.join();
  if (resync_.joinable()) resync_.join();
}

bool Informer::waitForSync(Duration timeout) {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, timeout, [this] { return synced_.load() || stopping_.load(); });
  return synced_.load();
}

bool Informer::waitOrStop(Duration d) {
  std::unique_lock lock(mutex_);
  return !wake_.wait_for(lock, d, [this] { return stopping_.load(); });
}

CachedObject Informer::get(const std::string& key) const {
  CachedObject cached{store_.get(key), true};
  std::lock_guard lock(mutex_);
  cached.upToDate = upToDateLocked(key, cached.object);
  return cached;
}

bool Informer::upToDateLocked(const std::string& key, const ObjectPtr& cached) const {
  auto write = writes_.find(key);
  if (write == writes_.end()) return true;
  return resourceVersionAtLeast(resourceVersion_, write->second) ||
         (cached && resourceVersionAtLeast(resourceVersionOf(*cached), write->second));
}

void Informer::callWhenCurrent(const std::string& key, std::function<void(const std::string& key)> call) {
  ObjectPtr cached = store_.get(key);
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    if (!upToDateLocked(key, cached)) {
      callsWhenCurrent_[key] = std::move(call);
      return;
    }
  }
  call(key);
}

void Informer::recordWrite(const std::string& key, const std::string& rv) {
  std::lock_guard lock(mutex_);
  if (resourceVersionAtLeast(resourceVersion_, rv) && parseResourceVersion(resourceVersion_)) return;
  auto& slot = writes_[key];
  if (slot.empty() || !resourceVersionAtLeast(slot, rv)) slot = rv;
}

std::string Informer::resourceVersion() const {
  std::lock_guard lock(mutex_);
  return resourceVersion_;
}

void Informer::advanceResourceVersion(const std::string& rv) {
  if (rv.empty()) return;
  std::vector<std::pair<std::string, std::function<void(const std::string&)>>> due;
  {
    std::lock_guard lock(mutex_);
    resourceVersion_ = rv;
    // Writes the cache has now seen need no tracking; what stays is only writes still in flight.
    std::erase_if(writes_, [&](const auto& entry) { return resourceVersionAtLeast(rv, entry.second); });
    for (auto it = callsWhenCurrent_.begin(); it != callsWhenCurrent_.end();) {
      if (writes_.count(it->first) || stopping_) {
        ++it;
        continue;
      }
      due.emplace_back(it->first, std::move(it->second));
      it = callsWhenCurrent_.erase(it);
    }
  }
  for (auto& [key, call] : due) call(key);
}

void Informer::notifyAdd(const ObjectPtr& object) {
  for (const auto& handler : handlers_) {
    if (handler.onAdd) handler.onAdd(object);
  }
}

void Informer::notifyUpdate(const ObjectPtr& previous, const ObjectPtr& current) {
  for (const auto& handler : handlers_) {
    if (handler.onUpdate) handler.onUpdate(previous, current);
  }
}

void Informer::notifyDelete(const ObjectPtr& object) {
  for (const auto& handler : handlers_) {
    if (handler.onDelete) handler.onDelete(object);
  }
}

Status Informer::listOnce() {
  k8s::ListOptions listOptions;
  listOptions.labelSelector = options_.labelSelector;
  listOptions.limit = options_.pageSize;
  auto list = k8s::listAll(client_, type_, options_.namespace_, listOptions);
  if (!list) return list.error();
  std::vector<ObjectPtr> objects;
  objects.reserve(list->items.size());
  for (auto& item : list->items) objects.push_back(snapshot(std::move(item), type_));
  auto previous = store_.replace(objects);
  // Report the difference, so a relist after a gap yields the events the gap swallowed; objects
  // whose resourceVersion did not change are not reported again.
  for (const auto& object : objects) {
    auto old = previous.find(objectKey(*object));
    if (old == previous.end()) {
      notifyAdd(object);
      continue;
    }
    if (resourceVersionOf(*old->second) != resourceVersionOf(*object)) notifyUpdate(old->second, object);
    previous.erase(old);
  }
  for (const auto& [key, gone] : previous) notifyDelete(gone);
  advanceResourceVersion(list->resourceVersion);
  if (!synced_.exchange(true)) {
    std::lock_guard lock(mutex_);
    wake_.notify_all();
  }
  return okStatus();
}

void Informer::apply(const k8s::WatchEvent& event) {
  using Type = k8s::WatchEvent::Type;
  switch (event.type) {
    case Type::Added:
    case Type::Modified: {
      ObjectPtr current = snapshot(event.object, type_);
      ObjectPtr previous = store_.upsert(current);
      if (previous) {
        notifyUpdate(previous, current);
      } else {
        notifyAdd(current);
      }
      break;
    }
    case Type::Deleted: {
      ObjectPtr previous = store_.remove(objectKey(event.object));
      notifyDelete(previous ? previous : snapshot(event.object, type_));
      break;
    }
    case Type::Bookmark:
    case Type::Error:
      break;
  }
  advanceResourceVersion(resourceVersionOf(event.object));
}

Status Informer::watchOnce() {
  abortWatch_ = false;
  if (stopping_) return okStatus();
  k8s::WatchOptions watchOptions;
  watchOptions.resourceVersion = resourceVersion();
  watchOptions.labelSelector = options_.labelSelector;
  watchOptions.allowBookmarks = true;
  watchOptions.timeoutSeconds = options_.watchTimeoutSeconds;
  std::optional<Error> streamError;
  eventsSeen_ = 0;
  Status status = client_.watch(type_, options_.namespace_, watchOptions, [&](const k8s::WatchEvent& event) {
    if (streamError) return;
    if (event.type == k8s::WatchEvent::Type::Error) {
      // A Status object in the stream; 410 means our resourceVersion was compacted away.
      int code = event.object.value("code", 0);
      std::string message = event.object.value("message", "watch error");
      streamError = makeError(code == 410 ? ErrorCode::Gone : ErrorCode::Internal, message);
      abortWatch_ = true;
      return;
    }
    ++eventsSeen_;
    apply(event);
  }, abortWatch_);
  if (streamError) return *streamError;
  return status;
}

void Informer::resync() {
  for (const auto& object : store_.list()) notifyUpdate(object, object);
}

void Informer::run() {
  bool needList = true;
  while (!stopping_) {
    if (needList) {
      Status listed = listOnce();
      if (!listed) {
        Duration delay = backoff_.next("list");
        logger_.warn("list failed", {{"resource", type_.key()}, {"error", listed.error().describe()},
                                     {"retryInMs", delay.count()}});
        if (!waitOrStop(delay)) break;
        continue;
      }
      backoff_.forget("list");
      needList = false;
      logger_.debug("listed", {{"resource", type_.key()}, {"objects", store_.size()},
                               {"resourceVersion", resourceVersion()}});
    }
    Status watched = watchOnce();
    if (stopping_) break;
    if (!watched && watched.error().code == ErrorCode::Gone) {
      logger_.info("watch expired, relisting", {{"resource", type_.key()}, {"error", watched.error().message}});
      needList = true;
      continue;
    }
    if (watched && eventsSeen_ > 0) {
      backoff_.forget("watch");
      continue;
    }
    // A failed stream (server restarting) or one that ended without delivering anything: reopen it
    // from the same resourceVersion after a growing pause rather than hammering the server.
    Duration delay = backoff_.next("watch");
    if (!watched) {
      logger_.warn("watch failed", {{"resource", type_.key()}, {"error", watched.error().describe()},
                                    {"retryInMs", delay.count()}});
    }
    if (!waitOrStop(delay)) break;
  }
}

void Informer::resyncLoop() {
  while (waitOrStop(options_.resyncPeriod)) resync();
}

}  // namespace aviary::runtime
