#pragma once
// The framing of a watch response: newline-delimited JSON events, which the transport hands over in
// pieces split anywhere (mid-event, mid-UTF-8, several events per piece). Pure; unit-tested with
// adversarial chunking.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "aviary/common/result.h"
#include "aviary/k8s/client.h"

namespace aviary::k8s {

class LineFramer {
 public:
  // A single line longer than this is a broken stream, not an event to buffer forever.
  static constexpr size_t kMaxLine = 64 * 1024 * 1024;

  // Appends chunk and calls onLine for each line it completes ('\n' and a trailing '\r' removed, blank
  // lines skipped). Stops early and returns false when onLine returns false or a line exceeds kMaxLine.
  bool feed(std::string_view chunk, const std::function<bool(std::string_view line)>& onLine);
  // Bytes of an unfinished line held back.
  size_t pending() const { return buffer_.size(); }
  bool overflowed() const { return overflowed_; }

 private:
  std::string buffer_;
  bool overflowed_ = false;
};

// One event line: {"type":"ADDED|MODIFIED|DELETED|BOOKMARK|ERROR","object":{...}}. ParseError otherwise.
Result<WatchEvent> parseWatchEvent(std::string_view line);

}  // namespace aviary::k8s
