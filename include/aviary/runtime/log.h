#pragma once
// Structured logs: one JSON object per line, {"ts":…,"level":…,"msg":…, …fields}, so they can be
// filtered by field (release="ns/name", key, error) rather than grepped. Secrets never go in fields.
// There is no global logger: the operator builds one and hands it to what logs, by reference.
// Thread-safety: log() may be called from any thread; each line is written whole.

#include <mutex>
#include <ostream>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "aviary/common/clock.h"
#include "aviary/common/result.h"

namespace aviary::runtime {

enum class LogLevel { Debug, Info, Warn, Error };

const char* logLevelName(LogLevel level);
// "debug" | "info" | "warn" | "error" (case-insensitive; "warning" accepted). InvalidSpec otherwise.
Result<LogLevel> parseLogLevel(const std::string& text);

class Logger {
 public:
  // out and clock must outlive the logger.
  Logger(std::ostream& out, const Clock& clock, LogLevel minLevel = LogLevel::Info);

  bool enabled(LogLevel level) const { return level >= minLevel_; }
  // fields: a JSON object whose members are appended after ts/level/msg (non-objects are ignored).
  void log(LogLevel level, std::string_view msg, const nlohmann::json& fields = nlohmann::json::object());
  void debug(std::string_view msg, const nlohmann::json& fields = nlohmann::json::object()) { log(LogLevel::Debug, msg, fields); }
  void info(std::string_view msg, const nlohmann::json& fields = nlohmann::json::object()) { log(LogLevel::Info, msg, fields); }
  void warn(std::string_view msg, const nlohmann::json& fields = nlohmann::json::object()) { log(LogLevel::Warn, msg, fields); }
  void error(std::string_view msg, const nlohmann::json& fields = nlohmann::json::object()) { log(LogLevel::Error, msg, fields); }

 private:
  std::ostream& out_;
  const Clock& clock_;
  LogLevel minLevel_;
  std::mutex mutex_;
};

}  // namespace aviary::runtime
