#include "server/http_message.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <strings.h>

#include <nlohmann/json.hpp>

namespace aviary::server {

bool CaseInsensitiveLess::operator()(const std::string& a, const std::string& b) const {
  return strcasecmp(a.c_str(), b.c_str()) < 0;
}

std::string HttpRequest::header(const std::string& name, const std::string& fallback) const {
  auto it = headers.find(name);
  return it == headers.end() ? fallback : it->second;
}

HttpResponse HttpResponse::jsonError(int status, const std::string& message) {
  HttpResponse response;
  response.status = status;
  response.contentType = "application/json";
  // Replace invalid UTF-8 rather than throw: messages may quote what a client sent.
  response.body = nlohmann::json{{"error", message}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

namespace http {
namespace {

bool isTokenChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool isToken(std::string_view text) { return !text.empty() && std::all_of(text.begin(), text.end(), isTokenChar); }

std::string_view trimSpaces(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

Error badRequest(std::string message) { return makeError(ErrorCode::BadRequest, std::move(message)); }

// Next line of `text` from `pos`, without its CRLF or LF; advances `pos` past the line end.
std::string_view nextLine(std::string_view text, std::size_t& pos) {
  std::size_t end = text.find('\n', pos);
  if (end == std::string_view::npos) end = text.size();
  std::string_view line = text.substr(pos, end - pos);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  pos = end + 1;
  return line;
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool hasToken(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    std::size_t comma = list.find(',');
    std::string_view item = trimSpaces(list.substr(0, comma));
    if (item.size() == token.size() && strncasecmp(item.data(), token.data(), token.size()) == 0) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

void appendHeader(std::string& out, std::string_view name, std::string_view value) {
  out += name;
  out += ": ";
  for (char c : value) {
    if (c != '\r' && c != '\n') out += c;
  }
  out += "\r\n";
}

}  // namespace

Result<RequestHead> parseRequestHead(std::string_view head, std::size_t maxHeaders) {
  std::size_t pos = 0;
  std::string_view requestLine = nextLine(head, pos);
  std::size_t firstSpace = requestLine.find(' ');
  std::size_t lastSpace = requestLine.rfind(' ');
  if (firstSpace == std::string_view::npos || firstSpace == lastSpace) return badRequest("malformed request line");
  RequestHead parsed;
  parsed.method = requestLine.substr(0, firstSpace);
  parsed.target = requestLine.substr(firstSpace + 1, lastSpace - firstSpace - 1);
  std::string_view version = requestLine.substr(lastSpace + 1);
  if (!isToken(parsed.method)) return badRequest("malformed method");
  if (parsed.target.empty() || parsed.target.find(' ') != std::string::npos) return badRequest("malformed target");
  if (version == "HTTP/1.1") {
    parsed.minorVersion = 1;
  } else if (version == "HTTP/1.0") {
    parsed.minorVersion = 0;
  } else {
    return badRequest("unsupported protocol version");
  }

  std::size_t lines = 0;
  while (pos < head.size()) {
    std::string_view line = nextLine(head, pos);
    if (line.empty()) break;
    if (++lines > maxHeaders) {
      Error tooMany = makeError(ErrorCode::BadRequest, "more than " + std::to_string(maxHeaders) + " header lines");
      tooMany.httpStatus = 431;
      return tooMany;
    }
    if (line.front() == ' ' || line.front() == '\t') return badRequest("obsolete header line folding");
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) return badRequest("header line without a colon");
    std::string name(line.substr(0, colon));
    if (!isToken(name)) return badRequest("malformed header name");
    std::string value(trimSpaces(line.substr(colon + 1)));
    auto [it, inserted] = parsed.headers.emplace(name, value);
    if (!inserted) it->second += ", " + value;
  }
  return parsed;
}

std::optional<std::string> percentDecode(std::string_view text, bool plusIsSpace) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int high = hexValue(text[i + 1]);
      int low = hexValue(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else if (c == '+' && plusIsSpace) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

Status parseTarget(std::string_view target, std::string& rawPath, HttpRequest& request) {
  // Absolute form (what a client talking to a proxy sends): drop scheme and authority.
  for (std::string_view scheme : {"http://", "https://"}) {
    if (target.starts_with(scheme)) {
      std::size_t slash = target.find('/', scheme.size());
      target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
    }
  }
  if (target.empty() || target.front() != '/') return badRequest("request target is not a path");
  std::size_t question = target.find('?');
  rawPath = target.substr(0, question);
  std::optional<std::string> path = percentDecode(rawPath, false);
  if (!path) return badRequest("malformed escape in path");
  request.path = *path;
  request.query.clear();
  if (question == std::string_view::npos) return okStatus();

  std::string_view query = target.substr(question + 1);
  if (std::size_t hash = query.find('#'); hash != std::string_view::npos) query = query.substr(0, hash);
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    if (!pair.empty()) {
      std::size_t equals = pair.find('=');
      std::optional<std::string> key = percentDecode(pair.substr(0, equals), true);
      std::optional<std::string> value =
          percentDecode(equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1), true);
      if (!key || !value) return badRequest("malformed escape in query");
      request.query[*key] = *value;
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return okStatus();
}

bool wantsKeepAlive(const RequestHead& head) {
  auto it = head.headers.find("Connection");
  std::string_view connection = it == head.headers.end() ? std::string_view() : std::string_view(it->second);
  if (head.minorVersion == 0) return hasToken(connection, "keep-alive");
  return !hasToken(connection, "close");
}

Result<std::size_t> contentLength(const RequestHead& head) {
  if (head.headers.count("Transfer-Encoding") != 0) {
    return makeError(ErrorCode::Invalid, "Transfer-Encoding is not supported; send Content-Length");
  }
  auto it = head.headers.find("Content-Length");
  if (it == head.headers.end()) return std::size_t{0};
  const std::string& text = it->second;
  std::size_t length = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), length);
  // Repeated headers arrive joined ("5, 5"), which fails here too: a conflicting length is an attack.
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
    return badRequest("malformed Content-Length");
  }
  return length;
}

const char* reasonPhrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    default: return "Unknown";
  }
}

std::string serializeResponse(const HttpResponse& response, bool keepAlive) {
  std::string out = "HTTP/1.1 " + std::to_string(response.status) + " " + reasonPhrase(response.status) + "\r\n";
  if (!response.contentType.empty()) appendHeader(out, "Content-Type", response.contentType);
  appendHeader(out, "Content-Length", std::to_string(response.body.size()));
  appendHeader(out, "Connection", keepAlive ? "keep-alive" : "close");
  for (const auto& [name, value] : response.headers) {
    if (strcasecmp(name.c_str(), "Content-Length") == 0 || strcasecmp(name.c_str(), "Connection") == 0 ||
        strcasecmp(name.c_str(), "Content-Type") == 0 || !isToken(name)) {
      continue;
    }
    appendHeader(out, name, value);
  }
  out += "\r\n";
  out += response.body;
  return out;
}

}  // namespace http
}  // namespace aviary::server
