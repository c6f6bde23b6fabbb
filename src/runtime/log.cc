#include "aviary/runtime/log.h"

#include <algorithm>
#include <cctype>

#include "aviary/runtime/log_redaction.h"
#include "aviary/runtime/micro_time.h"

namespace aviary::runtime {

namespace {

bool isReserved(const std::string& name) { return name == "ts" || name == "level" || name == "msg"; }

// Adds the members of fields (a JSON object; anything else is ignored) to line, replacing same-named ones.
template <class Json>
void addFields(nlohmann::ordered_json& line, const Json& fields) {
  if (!fields.is_object()) return;
  for (const auto& [name, value] : fields.items()) {
    if (!isReserved(name)) line[name] = value;
  }
}

}  // namespace

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
    : owned_(new Output{out, clock, minLevel, {}}), output_(owned_.get()), scope_(nlohmann::ordered_json::object()) {}

Logger::Logger(Output& output, nlohmann::ordered_json scope) : output_(&output), scope_(std::move(scope)) {}

Logger::Logger(Logger&&) noexcept = default;
Logger& Logger::operator=(Logger&&) noexcept = default;
Logger::~Logger() = default;

Logger Logger::with(const nlohmann::json& fields) const {
  nlohmann::ordered_json scope = scope_;
  addFields(scope, fields);
  return Logger(*output_, std::move(scope));
}

bool Logger::enabled(LogLevel level) const { return level >= output_->minLevel; }

void Logger::log(LogLevel level, std::string_view msg, const nlohmann::json& fields) {
  if (!enabled(level)) return;
  nlohmann::ordered_json line;
  line["ts"] = formatMicroTime(output_->clock.now());
  line["level"] = logLevelName(level);
  line["msg"] = std::string(msg);
  addFields(line, scope_);
  addFields(line, fields);
  redactSecrets(line);
  // Invalid UTF-8 in a field (a server's error body) is replaced rather than thrown.
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::lock_guard lock(output_->mutex);
  output_->out << text << '\n';
  output_->out.flush();
}

}  // namespace aviary::runtime
