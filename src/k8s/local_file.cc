#include "k8s/local_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace aviary::k8s {

Result<std::string> readLocalFile(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int err = errno;
    ErrorCode code = err == ENOENT ? ErrorCode::NotFound : ErrorCode::InvalidSpec;
    return makeError(code, "cannot read " + what + " " + path + ": " + std::strerror(err));
  }
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) return makeError(ErrorCode::InvalidSpec, "cannot read " + what + " " + path);
  return content.str();
}

Result<std::string> decodeBase64(const std::string& text) {
  std::string out;
  unsigned int accumulator = 0;
  int bits = 0;
  bool padding = false;
  for (char c : text) {
    int value;
    if (c >= 'A' && c <= 'Z') {
      value = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      value = c - 'a' + 26;
    } else if (c >= '0' && c <= '9') {
      value = c - '0' + 52;
    } else if (c == '+') {
      value = 62;
    } else if (c == '/') {
      value = 63;
    } else if (c == '=') {
      padding = true;
      continue;
    } else if (c == '\n' || c == '\r' || c == ' ' || c == '\t') {
      continue;
    } else {
      return makeError(ErrorCode::InvalidSpec, std::string("invalid base64 character '") + c + "'");
    }
    if (padding) return makeError(ErrorCode::InvalidSpec, "invalid base64: data after '=' padding");
    accumulator = (accumulator << 6) | static_cast<unsigned int>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((accumulator >> bits) & 0xFF);
    }
  }
  if (bits >= 6) return makeError(ErrorCode::InvalidSpec, "invalid base64: truncated data");
  return out;
}

}  // namespace aviary::k8s
