#include "api/field_reader.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace aviary::api::detail {

namespace {

constexpr size_t kMaxQuotedLength = 60;  // keeps messages one line when a user pastes a whole query

std::string quoted(const std::string& text) {
  size_t cut = std::min(text.size(), kMaxQuotedLength);
  while (cut < text.size() && cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // not mid-character
  std::string shown = cut < text.size() ? text.substr(0, cut) + "…" : text;
  // Strings from JSON read off the wire were never checked for UTF-8; do not let dump() throw.
  return Json(shown).dump(-1, ' ', false, Json::error_handler_t::replace);
}

// JSON numbers from YAML may be integers or doubles; an integer field accepts 3.0 but not 3.5.
template <class Int>
void readInteger(const Json& in, const std::string& path, ReadContext& ctx, Int& out) {
  constexpr auto lo = std::numeric_limits<Int>::min();
  constexpr auto hi = std::numeric_limits<Int>::max();
  if (in.is_number_integer()) {
    // Unsigned JSON integers above int64 max cannot fit any field; compare in the signed domain.
    if (in.is_number_unsigned() && in.get<uint64_t>() > static_cast<uint64_t>(hi)) {
      return ctx.report(path, "must be an integer between " + std::to_string(lo) + " and " + std::to_string(hi) +
                                  ", got " + describeJson(in));
    }
    const int64_t value = in.get<int64_t>();
    if (value < lo || value > hi) {
      return ctx.report(path, "must be an integer between " + std::to_string(lo) + " and " + std::to_string(hi) +
                                  ", got " + describeJson(in));
    }
    out = static_cast<Int>(value);
    return;
  }
  if (in.is_number_float()) {
    const double value = in.get<double>();
    if (std::isfinite(value) && value == std::floor(value) && value >= static_cast<double>(lo) &&
        value <= static_cast<double>(hi)) {
      out = static_cast<Int>(value);
      return;
    }
  }
  ctx.typeError(path, "an integer", in);
}

}  // namespace

std::string childPath(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

std::string indexPath(const std::string& parent, size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

std::string describeJson(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::boolean: return std::string("boolean ") + (value.get<bool>() ? "true" : "false");
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned: return "integer " + value.dump();
    case Json::value_t::number_float: {
      const double number = value.get<double>();
      if (std::isnan(number)) return "number .nan";  // YAML's spelling; JSON has none
      if (std::isinf(number)) return number > 0 ? "number .inf" : "number -.inf";
      return "number " + value.dump();
    }
    case Json::value_t::string: return "string " + quoted(value.get<std::string>());
    case Json::value_t::array: return "list";
    case Json::value_t::object: return "object";
    default: return "binary";
  }
}

void readValue(const Json& in, const std::string& path, ReadContext& ctx, std::string& out) {
  if (!in.is_string()) return ctx.typeError(path, "a string", in);
  out = in.get<std::string>();
}

void readValue(const Json& in, const std::string& path, ReadContext& ctx, bool& out) {
  if (!in.is_boolean()) return ctx.typeError(path, "a boolean", in);
  out = in.get<bool>();
}

void readValue(const Json& in, const std::string& path, ReadContext& ctx, int32_t& out) {
  readInteger(in, path, ctx, out);
}

void readValue(const Json& in, const std::string& path, ReadContext& ctx, int64_t& out) {
  readInteger(in, path, ctx, out);
}

void readValue(const Json& in, const std::string& path, ReadContext& ctx, double& out) {
  if (!in.is_number()) return ctx.typeError(path, "a number", in);
  const double value = in.get<double>();
  if (!std::isfinite(value)) return ctx.report(path, "must be a finite number, got " + describeJson(in));
  out = value;
}

void readValue(const Json& in, const std::string& path, ReadContext& ctx, Json& out) {
  if (!in.is_object()) return ctx.typeError(path, "an object", in);
  out = in;
}

void readValue(const Json& in, const std::string& path, ReadContext& ctx, std::map<std::string, std::string>& out) {
  if (!in.is_object()) return ctx.typeError(path, "an object of strings", in);
  out.clear();
  for (const auto& [key, value] : in.items()) {
    readValue(value, childPath(path, key), ctx, out[key]);
  }
}

const Json* FieldReader::take(const char* key) {
  taken_.insert(key);
  auto it = object_.find(key);
  if (it == object_.end() || it->is_null()) return nullptr;
  return &*it;
}

void FieldReader::finish() {
  if (!ctx_.rejectUnknown || allowUnknown_) return;
  for (const auto& [key, value] : object_.items()) {
    if (!taken_.count(key)) ctx_.report(childPath(path_, key), "unknown field");
  }
}

void FieldReader::readString(const Json& in, const std::string& path, std::string& out, IntegerAsString) {
  if (in.is_number_integer()) {
    out = in.dump();
    return;
  }
  if (in.is_number_float()) {
    // 1.10 would silently become "1.1": make the user say what they mean.
    return ctx_.report(path, "must be a string, got " + describeJson(in) + " (quote it: \"" + in.dump() + "\")");
  }
  readValue(in, path, ctx_, out);
}

void FieldReader::readString(const Json& in, const std::string& path, std::string& out, OneOf oneOf) {
  if (!in.is_string()) return ctx_.typeError(path, "a string", in);
  const auto text = in.get<std::string>();
  std::string choices;
  for (const char* choice : oneOf.choices) {
    if (text == choice) {
      out = text;
      return;
    }
    choices += (choices.empty() ? "" : ", ") + std::string(choice);
  }
  ctx_.report(path, "must be one of " + choices + "; got " + describeJson(in));
}

void readTypeMeta(FieldReader& reader, const char* kind) {
  ReadContext& ctx = reader.context();
  auto expect = [&](const char* key, const char* wanted) {
    const Json* value = reader.take(key);
    const std::string path = childPath(reader.path(), key);
    if (!value) return ctx.report(path, std::string("required field is missing (want ") + wanted + ")");
    if (!value->is_string() || value->get<std::string>() != wanted) {
      ctx.report(path, std::string("must be ") + wanted + ", got " + describeJson(*value));
    }
  };
  expect("apiVersion", kApiVersion);
  expect("kind", kind);
}

}  // namespace aviary::api::detail

namespace aviary::api {

std::string FieldError::describe() const {
  std::string out;
  if (line > 0) out += "line " + std::to_string(line) + ", column " + std::to_string(column) + ": ";
  out += path.empty() ? message : path + ": " + message;
  return out;
}

}  // namespace aviary::api
