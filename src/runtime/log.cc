#include "aviary/runtime/log.h"

#include <algorithm>
#include <cctype>

#include "aviary/runtime/micro_time.h"

namespace aviary::runtime {

const char* logLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::Debug: return "debug";
    case LogLevel::Info: return "info";
    case LogLevel::Warn: return "warn";
    case LogLevel::Error: return "error";
  }
  return "info";
}

Result<LogLevel> parseLogLevel(const std::string& text) {
  std::string lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower == "debug") return LogLevel::Debug;
  if (lower == "info") return LogLevel::Info;
  if (lower == "warn" || lower == "warning") return LogLevel::Warn;
  if (lower == "error") return LogLevel::Error;
  return makeError(ErrorCode::InvalidSpec, "log level \"" + text + "\": want debug, info, warn or error");
}

Logger::Logger(std::ostream& out, const Clock& clock, LogLevel minLevel)
    : out_(out), clock_(clock), minLevel_(minLevel) {}

void Logger::log(LogLevel level, std::string_view msg, const nlohmann::json& fields) {
  if (!enabled(level)) return;
  nlohmann::ordered_json line;
  line["ts"] = formatMicroTime(clock_.now());
  line["level"] = logLevelName(level);
  line["msg"] = std::string(msg);
  if (fields.is_object()) {
    for (const auto& [name, value] : fields.items()) {
      if (name != "ts" && name != "level" && name != "msg") line[name] = value;
    }
  }
  // Invalid UTF-8 in a field (a server's error body) is replaced rather than thrown.
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::lock_guard lock(mutex_);
  out_ << text << '\n';
  out_.flush();
}

}  // namespace aviary::runtime
