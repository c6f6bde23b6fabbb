// YAML (or JSON, a subset of it) text → JSON documents, with the position of every field. The only
// file that includes yaml-cpp: its exceptions stop here.

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "api/field_reader.h"
#include "aviary/api/decode.h"

namespace aviary::api {

namespace {

using detail::Json;

// Guards against input that is small as text but huge or deep as a tree (alias bombs, [[[[…]]]]).
constexpr int kMaxDepth = 100;
constexpr size_t kMaxNodes = 1'000'000;

Mark markOf(const YAML::Mark& mark) {
  if (mark.is_null()) return {};
  return {mark.line + 1, mark.column + 1};
}

// Hand-written matchers rather than std::regex, whose recursion overflows the stack on long input.
bool isDigits(const std::string& s, size_t& pos, int (*isDigit)(int)) {
  const size_t start = pos;
  while (pos < s.size() && isDigit(static_cast<unsigned char>(s[pos]))) ++pos;
  return pos > start;
}
int isDecimalDigit(int c) { return c >= '0' && c <= '9'; }
int isOctalDigit(int c) { return c >= '0' && c <= '7'; }
int isHexDigit(int c) { return isDecimalDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool skipSign(const std::string& s, size_t& pos) {
  if (pos < s.size() && (s[pos] == '-' || s[pos] == '+')) ++pos;
  return true;
}
// [-+]?[0-9]+
bool isDecimal(const std::string& s) {
  size_t pos = 0;
  return skipSign(s, pos) && isDigits(s, pos, isDecimalDigit) && pos == s.size();
}
// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool isReal(const std::string& s) {
  size_t pos = 0;
  skipSign(s, pos);
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    if (!isDigits(s, pos, isDecimalDigit)) return false;
  } else {
    if (!isDigits(s, pos, isDecimalDigit)) return false;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      isDigits(s, pos, isDecimalDigit);
    }
  }
  if (pos < s.size() && (s[pos] == 'e' || s[pos] == 'E')) {
    ++pos;
    skipSign(s, pos);
    if (!isDigits(s, pos, isDecimalDigit)) return false;
  }
  return pos == s.size();
}
bool isPrefixed(const std::string& s, const char* prefix, int (*isDigit)(int)) {
  size_t pos = 2;
  return s.rfind(prefix, 0) == 0 && isDigits(s, pos, isDigit) && pos == s.size();
}

// YAML 1.2 core schema for plain (unquoted) scalars: null, booleans, integers, floats; the rest are
// strings. So `yes`, `on` and `0755x` stay strings, `7` is a number and `"7"` stays a string.
Json resolvePlainScalar(const std::string& text) {
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") return nullptr;
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;

  auto integer = [&](const std::string& digits, int base) -> Json {
    errno = 0;
    const long long value = std::strtoll(digits.c_str(), nullptr, base);
    if (errno == ERANGE) return std::strtod(text.c_str(), nullptr);  // beyond int64: keep the magnitude
    return static_cast<int64_t>(value);
  };
  if (isDecimal(text)) return integer(text, 10);
  if (isPrefixed(text, "0o", isOctalDigit)) return integer(text.substr(2), 8);
  if (isPrefixed(text, "0x", isHexDigit)) return integer(text.substr(2), 16);
  if (isReal(text)) return std::strtod(text.c_str(), nullptr);
  const std::string magnitude = text.substr(text[0] == '-' || text[0] == '+' ? 1 : 0);
  if (magnitude == ".inf" || magnitude == ".Inf" || magnitude == ".INF") {
    return text[0] == '-' ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  }
  if (text == ".nan" || text == ".NaN" || text == ".NAN") return std::numeric_limits<double>::quiet_NaN();
  return text;
}

class Converter {
 public:
  explicit Converter(Document& document) : document_(document) {}

  // Fills document_.object; false (with `problem` set) when the tree is too large or malformed.
  bool run(const YAML::Node& root) {
    document_.marks[""] = markOf(root.Mark());
    document_.object = convert(root, "", 0);
    return problem.message.empty();
  }

  FieldError problem;

 private:
  Json fail(const YAML::Node& node, const std::string& path, std::string message) {
    if (problem.message.empty()) {
      const Mark at = markOf(node.Mark());
      problem = FieldError{path, std::move(message), at.line, at.column};
    }
    return nullptr;
  }

  Json convert(const YAML::Node& node, const std::string& path, int depth) {
    if (!problem.message.empty()) return nullptr;
    if (++nodes_ > kMaxNodes) return fail(node, path, "document too large (more than 1000000 values after expanding aliases)");
    if (depth > kMaxDepth) return fail(node, path, "nesting deeper than 100 levels");
    switch (node.Type()) {
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined: return nullptr;
      case YAML::NodeType::Scalar: return scalar(node);
      case YAML::NodeType::Sequence: {
        Json out = Json::array();
        size_t index = 0;
        for (const auto& item : node) {
          const std::string itemPath = detail::indexPath(path, index++);
          document_.marks.emplace(itemPath, markOf(item.Mark()));
          out.push_back(convert(item, itemPath, depth + 1));
        }
        return out;
      }
      case YAML::NodeType::Map: {
        Json out = Json::object();
        for (const auto& entry : node) {
          if (!entry.first.IsScalar()) return fail(entry.first, path, "mapping keys must be plain strings");
          const std::string key = entry.first.Scalar();
          const std::string fieldPath = detail::childPath(path, key);
          if (out.contains(key)) return fail(entry.first, fieldPath, "duplicate key \"" + key + "\"");
          document_.marks.emplace(fieldPath, markOf(entry.first.Mark()));
          out[key] = convert(entry.second, fieldPath, depth + 1);
        }
        return out;
      }
    }
    return nullptr;
  }

  static Json scalar(const YAML::Node& node) {
    const std::string& tag = node.Tag();
    // yaml-cpp tags quoted and block scalars "!", plain ones "?".
    if (tag == "!" || tag == "tag:yaml.org,2002:str") return node.Scalar();
    return resolvePlainScalar(node.Scalar());
  }

  Document& document_;
  size_t nodes_ = 0;
};

// YAML text is Unicode; yaml-cpp passes invalid bytes through, and JSON cannot hold them. Returns the
// offset of the first byte that does not start or continue a well-formed UTF-8 sequence, or npos.
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

Mark markAtOffset(const std::string& text, size_t offset) {
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

// "a.b[2].c" → "a.b[2]" → "a.b" → "a" → "".
std::string parentPath(const std::string& path) {
  const size_t cut = path.find_last_of(".[");
  return cut == std::string::npos ? "" : path.substr(0, cut);
}

}  // namespace

Result<std::vector<Document>> parseDocuments(const std::string& text, FieldErrors& errors) {
  auto malformed = [&](FieldError error) -> Error {
    std::string describe = error.describe();
    errors.push_back(std::move(error));
    return makeError(ErrorCode::ParseError, describe);
  };
  if (const size_t bad = invalidUtf8Offset(text); bad != std::string::npos) {
    const Mark at = markAtOffset(text, bad);
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(text[bad]));
    return malformed(FieldError{"", std::string("invalid UTF-8 (byte ") + byte + ")", at.line, at.column});
  }
  std::vector<YAML::Node> roots;
  try {
    roots = YAML::LoadAll(text);
  } catch (const YAML::Exception& e) {
    const Mark at = markOf(e.mark);
    return malformed(FieldError{"", e.msg, at.line, at.column});
  } catch (const std::exception& e) {  // e.g. bad_alloc on absurd input: still not a crash
    return malformed(FieldError{"", std::string("cannot parse: ") + e.what()});
  }
  std::vector<Document> documents;
  for (const auto& root : roots) {
    if (root.IsNull()) continue;  // "---" with nothing after it, or a comment-only document
    Document document;
    document.line = markOf(root.Mark()).line;
    Converter converter(document);
    try {
      if (!converter.run(root)) return malformed(converter.problem);
    } catch (const YAML::Exception& e) {
      const Mark at = markOf(e.mark);
      return malformed(FieldError{"", e.msg, at.line, at.column});
    }
    documents.push_back(std::move(document));
  }
  return documents;
}

void Document::locate(FieldErrors& errors) const {
  for (auto& error : errors) {
    if (error.line > 0) continue;
    for (std::string path = error.path;; path = parentPath(path)) {
      auto it = marks.find(path);
      if (it != marks.end() && it->second.line > 0) {
        error.line = it->second.line;
        error.column = it->second.column;
        break;
      }
      if (path.empty()) break;
    }
  }
}

}  // namespace aviary::api
