#pragma once
// YAML text is Unicode; yaml-cpp passes invalid bytes through, and JSON strings cannot hold them
// (nlohmann::json::dump throws). So text is checked before it is parsed.

#include <string>

#include "aviary/api/decode.h"

namespace aviary::api::detail {

// The offset of the first byte that does not start or continue a well-formed UTF-8 sequence
// (overlong forms and surrogates included), or npos when the text is valid.
size_t invalidUtf8Offset(const std::string& text);
// Line and column (1-based) of a byte offset.
Mark positionOf(const std::string& text, size_t offset);

}  // namespace aviary::api::detail
