#pragma once
// Result<T>: a value or an Error. Every fallible interface in aviary returns one; exceptions from
// third-party libraries are caught in the adapter that calls them and turned into an Error.

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace aviary {

enum class ErrorCode {
  InvalidSpec,      // user input that cannot be acted on (field path in the message)
  ParseError,       // malformed YAML/JSON
  NotFound,
  AlreadyExists,
  Conflict,         // stale resourceVersion / precondition failed
  Gone,             // 410: resourceVersion too old, relist
  Unauthorized,     // 401
  Forbidden,        // 403
  Invalid,          // 422 from the API server (causes in the message)
  TooManyRequests,  // 429 (retryAfterSeconds set when the server said so)
  Unavailable,      // connection refused, 503, server down
  Timeout,          // request or wait timed out
  BadRequest,       // 400
  Internal,         // a bug or an unexpected server answer
};

const char* errorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::Internal;
  std::string message;
  int httpStatus = 0;          // set by HTTP adapters; 0 otherwise
  int retryAfterSeconds = 0;   // from Retry-After, when present

  std::string describe() const { return std::string(errorCodeName(code)) + ": " + message; }
};

inline Error makeError(ErrorCode code, std::string message) { return Error{code, std::move(message)}; }

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}            // NOLINT(implicit)
  Result(Error error) : state_(std::move(error)) {}        // NOLINT(implicit)

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  T valueOr(T fallback) const& { return ok() ? value() : std::move(fallback); }

  const Error& error() const { return std::get<Error>(state_); }

 private:
  std::variant<T, Error> state_;
};

// Result<void> equivalent.
struct Ok {};
using Status = Result<Ok>;
inline Status okStatus() { return Ok{}; }

}  // namespace aviary
