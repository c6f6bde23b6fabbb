#include "aviary/common/result.h"

namespace aviary {

const char* errorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidSpec: return "InvalidSpec";
    case ErrorCode::ParseError: return "ParseError";
    case ErrorCode::NotFound: return "NotFound";
    case ErrorCode::AlreadyExists: return "AlreadyExists";
    case ErrorCode::Conflict: return "Conflict";
    case ErrorCode::Gone: return "Gone";
    case ErrorCode::Unauthorized: return "Unauthorized";
    case ErrorCode::Forbidden: return "Forbidden";
    case ErrorCode::Invalid: return "Invalid";
    case ErrorCode::TooManyRequests: return "TooManyRequests";
    case ErrorCode::Unavailable: return "Unavailable";
    case ErrorCode::Timeout: return "Timeout";
    case ErrorCode::BadRequest: return "BadRequest";
    case ErrorCode::Internal: return "Internal";
  }
  return "Unknown";
}

}  // namespace aviary
