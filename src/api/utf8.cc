#include "api/utf8.h"

#include <cstdint>

namespace aviary::api::detail {

size_t invalidUtf8Offset(const std::string& text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    size_t length = 0;
    uint32_t codePoint = 0;
    if (byte < 0x80) {
      ++i;
      continue;
    }
    if ((byte & 0xE0) == 0xC0) length = 2, codePoint = byte & 0x1F;
    else if ((byte & 0xF0) == 0xE0) length = 3, codePoint = byte & 0x0F;
    else if ((byte & 0xF8) == 0xF0) length = 4, codePoint = byte & 0x07;
    else return i;
    if (i + length > text.size()) return i;
    for (size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return i;
      codePoint = (codePoint << 6) | (next & 0x3F);
    }
    constexpr uint32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (codePoint < kSmallest[length] || codePoint > 0x10FFFF || (codePoint >= 0xD800 && codePoint <= 0xDFFF)) return i;
    i += length;
  }
  return std::string::npos;
}

Mark positionOf(const std::string& text, size_t offset) {
  Mark mark{1, 1};
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++mark.line;
      mark.column = 1;
    } else {
      ++mark.column;
    }
  }
  return mark;
}

}  // namespace aviary::api::detail
