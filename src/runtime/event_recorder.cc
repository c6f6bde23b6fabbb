#include "aviary/runtime/event_recorder.h"

#include <cstdio>

#include "aviary/runtime/micro_time.h"

namespace aviary::runtime {

namespace {

using Json = nlohmann::json;
constexpr size_t kMaxNoteBytes = 1024;  // the API server rejects longer notes

std::string truncateUtf8(std::string text, size_t maxBytes) {
  if (text.size() <= maxBytes) return text;
  size_t cut = maxBytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // not mid-character
  text.resize(cut);
  return text;
}

const char* typeName(EventType type) { return type == EventType::Warning ? "Warning" : "Normal"; }

Json referenceJson(const ObjectReference& ref) {
  Json out = {{"apiVersion", ref.apiVersion}, {"kind", ref.kind}, {"name", ref.name}};
  if (!ref.namespace_.empty()) out["namespace"] = ref.namespace_;
  if (!ref.uid.empty()) out["uid"] = ref.uid;
  if (!ref.resourceVersion.empty()) out["resourceVersion"] = ref.resourceVersion;
  return out;
}

// Cluster-scoped objects' events go to "default", as client-go does.
std::string eventNamespace(const ObjectReference& ref) { return ref.namespace_.empty() ? "default" : ref.namespace_; }

}  // namespace

ObjectReference referenceTo(const Json& object) {
  const Json metadata = object.value("metadata", Json::object());
  return {object.value("apiVersion", ""),        object.value("kind", ""),
          metadata.value("namespace", ""),       metadata.value("name", ""),
          metadata.value("uid", ""),             metadata.value("resourceVersion", "")};
}

Json buildEvent(const ObjectReference& regarding, EventType type, const std::string& reason, const std::string& action,
                const std::string& note, const EventRecorderOptions& options, TimePoint now, const std::string& name) {
  return {{"apiVersion", "events.k8s.io/v1"},
          {"kind", "Event"},
          {"metadata", {{"name", name}, {"namespace", eventNamespace(regarding)}}},
          {"regarding", referenceJson(regarding)},
          {"type", typeName(type)},
          {"reason", reason},
          {"action", action},
          {"note", truncateUtf8(note, kMaxNoteBytes)},
          {"eventTime", formatMicroTime(now)},
          {"reportingController", options.reportingController},
          {"reportingInstance", options.reportingInstance}};
}

KubeEventRecorder::KubeEventRecorder(k8s::Client& client, const Clock& clock, Logger& logger,
                                     EventRecorderOptions options)
    : client_(client), clock_(clock), logger_(logger), options_(std::move(options)) {
  if (options_.senderThread) sender_ = std::thread([this] { senderLoop(); });
}

KubeEventRecorder::~KubeEventRecorder() { shutDown(); }

void KubeEventRecorder::record(const ObjectReference& regarding, EventType type, const std::string& reason,
                               const std::string& action, const std::string& note) {
  std::lock_guard lock(mutex_);
  if (stopping_) return;
  if (queue_.size() >= options_.queueCapacity) {
    ++dropped_;
    return;
  }
  queue_.push_back({regarding, type, reason, action, note, clock_.now()});
  wake_.notify_one();
}

uint64_t KubeEventRecorder::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

void KubeEventRecorder::sendPending() {
  for (;;) {
    Pending next;
    {
      std::lock_guard lock(mutex_);
      if (queue_.empty()) return;
      next = std::move(queue_.front());
      queue_.pop_front();
    }
    send(next);
  }
}

void KubeEventRecorder::shutDown() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !sender_.joinable()) return;
    stopping_ = true;
    wake_.notify_all();
  }
  if (sender_.joinable()) sender_.join();
  sendPending();
}

void KubeEventRecorder::senderLoop() {
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;  // shutDown sends the rest
    }
    sendPending();
  }
}

bool KubeEventRecorder::createEvent(const Pending& event, const std::string& seriesKey) {
  // Named like client-go's events (<object>.<hex nanoseconds>), plus a sequence number so two events
  // recorded within one clock tick do not collide.
  char suffix[48];
  std::snprintf(suffix, sizeof suffix, ".%llx%04x",
                static_cast<unsigned long long>(
                    std::chrono::duration_cast<std::chrono::nanoseconds>(event.at.time_since_epoch()).count()),
                static_cast<unsigned>(sequence_++ & 0xffff));
  std::string name = event.regarding.name + suffix;
  std::string ns = eventNamespace(event.regarding);
  Json object = buildEvent(event.regarding, event.type, event.reason, event.action, event.note, options_, event.at, name);
  auto created = client_.create(k8s::resources::kEvents, ns, object);
  if (!created) {
    logger_.warn("event not recorded", {{"reason", event.reason}, {"error", created.error().describe()}});
    return false;
  }
  if (series_.size() >= options_.maxTrackedSeries) series_.clear();  // forget old series rather than grow
  series_[seriesKey] = Series{ns, name, 1, event.at};
  return true;
}

void KubeEventRecorder::send(const Pending& event) {
  std::string regardingId = event.regarding.uid.empty()
                                ? event.regarding.kind + "/" + event.regarding.namespace_ + "/" + event.regarding.name
                                : event.regarding.uid;
  std::string seriesKey = regardingId + "\n" + typeName(event.type) + "\n" + event.reason + "\n" + event.note;
  auto it = series_.find(seriesKey);
  if (it == series_.end() || event.at - it->second.first > options_.dedupWindow) {
    createEvent(event, seriesKey);
    return;
  }
  Series& series = it->second;
  Json patch = {{"series", {{"count", series.count + 1}, {"lastObservedTime", formatMicroTime(event.at)}}}};
  auto patched = client_.patch(k8s::resources::kEvents, series.namespace_, series.name, k8s::PatchType::Merge, patch);
  if (patched) {
    ++series.count;
    return;
  }
  if (patched.error().code == ErrorCode::NotFound) {
    createEvent(event, seriesKey);  // the first Event expired (TTL) or was deleted: start over
    return;
  }
  logger_.warn("event series not updated", {{"reason", event.reason}, {"error", patched.error().describe()}});
}

}  // namespace aviary::runtime
