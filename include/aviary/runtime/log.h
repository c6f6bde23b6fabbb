#pragma once
// Structured logs: one JSON object per line, {"ts":…,"level":…,"msg":…, …fields}, so they can be
// filtered by field (release="ns/name", reconcile_id, key, error) rather than grepped.
// There is no global logger: the operator builds one and hands it to what logs, by reference; a scope
// (one reconcile pass) takes `logger.with({{"release", key}, …})` so each of its lines carries them.
// Secrets stay out of the output whatever a caller passes (log_redaction.h, docs/logging.md).
// Thread-safety: log() may be called from any thread, on any logger made from the same root; each
// line is written whole.

#include <memory>
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
  Logger(Logger&&) noexcept;
  Logger& operator=(Logger&&) noexcept;
  ~Logger();

  // A logger for one scope, writing to the same output: each of its lines carries `fields` (a JSON
  // object) after ts/level/msg; a line's own fields come after and win over a scope field of the same
  // name. Calling with() on a scoped logger adds to (or replaces) its fields. The result must not
  // outlive the root logger.
  Logger with(const nlohmann::json& fields) const;

  bool enabled(LogLevel level) const;
  // fields: a JSON object whose members are appended after ts/level/msg (non-objects are ignored).
  void log(LogLevel level, std::string_view msg, const nlohmann::json& fields = nlohmann::json::object());
  void debug(std::string_view msg, const nlohmann::json& fields = nlohmann::json::object()) { log(LogLevel::Debug, msg, fields); }
  void info(std::string_view msg, const nlohmann::json& fields = nlohmann::json::object()) { log(LogLevel::Info, msg, fields); }
  void warn(std::string_view msg, const nlohmann::json& fields = nlohmann::json::object()) { log(LogLevel::Warn, msg, fields); }
  void error(std::string_view msg, const nlohmann::json& fields = nlohmann::json::object()) { log(LogLevel::Error, msg, fields); }

 private:
  struct Output {
    std::ostream& out;
    const Clock& clock;
    LogLevel minLevel;
    std::mutex mutex;
  };
  Logger(Output& output, nlohmann::ordered_json scope);

  std::unique_ptr<Output> owned_;  // the root logger's; scoped loggers borrow it
  Output* output_;
  nlohmann::ordered_json scope_;  // fields every line carries, in the order they were added
};

}  // namespace aviary::runtime
