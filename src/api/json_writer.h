#pragma once
// JsonWriter: the encoding visitor for the field lists in fields.h (FieldReader is the decoding one).
// Optional fields that are empty ("", [], {}) or absent are left out, so status patches stay small and
// an encoded spec reads like what a user would write.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/enum_names.h"
#include "api/field_reader.h"

namespace aviary::api::detail {

using Json = nlohmann::json;

class JsonWriter;

// toJson(value): the whole JSON of one value; only an absent optional gives null.
inline Json toJson(const std::string& value) { return value; }
inline Json toJson(bool value) { return value; }
inline Json toJson(int32_t value) { return value; }
inline Json toJson(int64_t value) { return value; }
inline Json toJson(double value) { return value; }
inline Json toJson(const Json& value) { return value; }
inline Json toJson(const std::map<std::string, std::string>& value) { return value; }

template <class T>
Json toJson(const T& value);  // any struct with a field list in fields.h

template <class E>
  requires std::is_enum_v<E>
Json toJson(const E& value) {
  return enumName(value);
}

template <class T>
Json toJson(const std::optional<T>& value) {
  return value ? toJson(*value) : Json();
}

template <class T>
Json toJson(const std::vector<T>& values) {
  Json out = Json::array();
  for (const auto& value : values) out.push_back(toJson(value));
  return out;
}

template <class T>
inline constexpr bool kIsOptional = false;
template <class T>
inline constexpr bool kIsOptional<std::optional<T>> = true;

class JsonWriter {
 public:
  // Required fields are always written, so what is encoded decodes again.
  template <class T, class... Option>
  void required(const char* key, const T& value, Option...) {
    put(key, toJson(value));
  }
  // A set optional is written even when empty (`pause: {}` means "pause"); other optional fields are
  // left out when empty ("", [], {}). Reading them back gives the default, which for a valid spec is
  // the same: the fields whose default is not empty (durations, method, format) may not be empty.
  template <class T, class... Option>
  void optional(const char* key, const T& value, Option...) {
    Json json = toJson(value);
    if (!kIsOptional<T> && (json.empty() || (json.is_string() && json.get_ref<const std::string&>().empty()))) return;
    put(key, std::move(json));
  }
  template <class T>
  void optional(const char* key, const T& value, OmitZero) {
    if (value != T{}) put(key, toJson(value));
  }
  void allowUnknownFields() {}

  Json take() { return std::move(object_); }

 private:
  void put(const char* key, Json json) {
    if (!json.is_null()) object_[key] = std::move(json);
  }

  Json object_ = Json::object();
};

template <class T>
Json toJson(const T& value) {
  JsonWriter writer;
  // The field lists take a mutable reference because the reader fills them; the writer only reads.
  fields(writer, const_cast<T&>(value));
  return writer.take();
}

}  // namespace aviary::api::detail
