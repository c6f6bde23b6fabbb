#include "k8s/watch_stream.h"

namespace aviary::k8s {

bool LineFramer::feed(std::string_view chunk, const std::function<bool(std::string_view line)>& onLine) {
  if (overflowed_) return false;
  while (!chunk.empty()) {
    size_t newline = chunk.find('\n');
    if (newline == std::string_view::npos) {
      if (buffer_.size() + chunk.size() > kMaxLine) {
        overflowed_ = true;
        return false;
      }
      buffer_.append(chunk);
      return true;
    }
    std::string_view line;
    // Whole lines inside one chunk are handed over without copying.
    if (buffer_.empty()) {
      line = chunk.substr(0, newline);
    } else {
      buffer_.append(chunk.substr(0, newline));
      line = buffer_;
    }
    if (line.size() > kMaxLine) {
      overflowed_ = true;
      return false;
    }
    chunk.remove_prefix(newline + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    bool keepGoing = line.empty() || onLine(line);
    buffer_.clear();
    if (!keepGoing) return false;
  }
  return true;
}

Result<WatchEvent> parseWatchEvent(std::string_view line) {
  Json parsed = Json::parse(line.begin(), line.end(), nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return makeError(ErrorCode::ParseError, "watch event is not a JSON object: " + std::string(line.substr(0, 200)));
  }
  auto type = parsed.find("type");
  auto object = parsed.find("object");
  if (type == parsed.end() || !type->is_string() || object == parsed.end() || !object->is_object()) {
    return makeError(ErrorCode::ParseError, "watch event without type and object: " + std::string(line.substr(0, 200)));
  }
  WatchEvent event;
  const std::string& name = type->get_ref<const std::string&>();
  if (name == "ADDED") {
    event.type = WatchEvent::Type::Added;
  } else if (name == "MODIFIED") {
    event.type = WatchEvent::Type::Modified;
  } else if (name == "DELETED") {
    event.type = WatchEvent::Type::Deleted;
  } else if (name == "BOOKMARK") {
    event.type = WatchEvent::Type::Bookmark;
  } else if (name == "ERROR") {
    event.type = WatchEvent::Type::Error;
  } else {
    return makeError(ErrorCode::ParseError, "unknown watch event type \"" + name + "\"");
  }
  event.object = std::move(*object);
  return event;
}

}  // namespace aviary::k8s
