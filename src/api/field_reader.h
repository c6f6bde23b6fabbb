#pragma once
// FieldReader: decodes one JSON object field by field into typed values, tracking the field path and
// collecting every problem (wrong type, missing, unknown field) instead of stopping at the first.
// Which fields a type has is written once, in fields.h, as `fields(visitor, value)`; this reader is
// one visitor, JsonWriter (json_writer.h) is the other, so decode and encode cannot drift apart.

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/enum_names.h"
#include "api/field_path.h"
#include "aviary/api/decode.h"

namespace aviary::api::detail {

using Json = nlohmann::json;

// "integer 7", "string \"abc\"", "list", "object": what a message says the user wrote.
std::string describeJson(const Json& value);

// Where problems go, and whether fields nobody reads are problems (spec) or not (status, metadata).
struct ReadContext {
  FieldErrors& errors;
  bool rejectUnknown = true;

  void report(const std::string& path, std::string message) { errors.push_back({path, std::move(message)}); }
  // "must be <expected>, got <what the value is>"
  void typeError(const std::string& path, const char* expected, const Json& got) {
    report(path, std::string("must be ") + expected + ", got " + describeJson(got));
  }
};

// Options for a single field, given as the third argument of required()/optional().
struct IntegerAsString {};  // accept `version: 7` as "7" (users write versions unquoted)
struct OmitZero {};         // encode: leave the number out when it is 0 (a field most objects never set)
struct OneOf {              // a string from a fixed set, e.g. {"GET", "POST"}
  std::initializer_list<const char*> choices;
};

// ---- values ---------------------------------------------------------------------------------------
// readValue(json, path, context, out): decode one value of out's type; problems go to context.

void readValue(const Json& in, const std::string& path, ReadContext& ctx, std::string& out);
void readValue(const Json& in, const std::string& path, ReadContext& ctx, bool& out);
void readValue(const Json& in, const std::string& path, ReadContext& ctx, int32_t& out);
void readValue(const Json& in, const std::string& path, ReadContext& ctx, int64_t& out);
void readValue(const Json& in, const std::string& path, ReadContext& ctx, double& out);
void readValue(const Json& in, const std::string& path, ReadContext& ctx, Json& out);  // an object, kept raw
void readValue(const Json& in, const std::string& path, ReadContext& ctx, std::map<std::string, std::string>& out);

template <class E>
  requires std::is_enum_v<E>
void readValue(const Json& in, const std::string& path, ReadContext& ctx, E& out) {
  if (!in.is_string()) return ctx.typeError(path, "a string", in);
  if (auto parsed = parseEnum<E>(in.get<std::string>())) {
    out = *parsed;
  } else {
    ctx.report(path, "must be one of " + enumChoices<E>() + "; got " + describeJson(in));
  }
}

template <class T>
void readValue(const Json& in, const std::string& path, ReadContext& ctx, std::optional<T>& out) {
  const size_t before = ctx.errors.size();
  T value{};
  readValue(in, path, ctx, value);
  // A malformed number stays unset (validation must not judge a made-up 0); a malformed section is
  // still set, so validation does not also call it missing ("must set exactly one of threshold…").
  constexpr bool kSection = std::is_class_v<T> && !std::is_same_v<T, std::string>;
  if (kSection || ctx.errors.size() == before) out = std::move(value);
}

template <class T>
void readValue(const Json& in, const std::string& path, ReadContext& ctx, std::vector<T>& out) {
  if (!in.is_array()) return ctx.typeError(path, "a list", in);
  out.clear();
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    T item{};
    readValue(in[i], indexPath(path, i), ctx, item);
    out.push_back(std::move(item));
  }
}

class FieldReader;

// Any struct with a `fields(visitor, value)` list in fields.h.
template <class T>
void readValue(const Json& in, const std::string& path, ReadContext& ctx, T& out);

// ---- objects --------------------------------------------------------------------------------------

class FieldReader {
 public:
  FieldReader(const Json& object, std::string path, ReadContext& ctx) : object_(object), path_(std::move(path)), ctx_(ctx) {}

  // Absent or null: "required field is missing".
  template <class T>
  void required(const char* key, T& out) {
    if (const Json* value = take(key)) {
      readValue(*value, childPath(path_, key), ctx_, out);
    } else {
      missing(key);
    }
  }
  // Absent or null: out keeps its default.
  template <class T>
  void optional(const char* key, T& out) {
    if (const Json* value = take(key)) readValue(*value, childPath(path_, key), ctx_, out);
  }
  template <class T>
  void optional(const char* key, T& out, OmitZero) {
    optional(key, out);
  }
  template <class Option>
  void required(const char* key, std::string& out, Option option) {
    if (const Json* value = take(key)) {
      readString(*value, childPath(path_, key), out, option);
    } else {
      missing(key);
    }
  }
  template <class Option>
  void optional(const char* key, std::string& out, Option option) {
    if (const Json* value = take(key)) readString(*value, childPath(path_, key), out, option);
  }

  // Metadata-like objects carry fields aviary does not model; do not report them.
  void allowUnknownFields() { allowUnknown_ = true; }

  // The raw value of `key` (null when absent or null), marked as read: for fields decoded by hand.
  const Json* take(const char* key);
  // Reports every field nobody took as unknown (unless the context or this object allows them).
  void finish();

  const std::string& path() const { return path_; }
  ReadContext& context() { return ctx_; }

 private:
  void missing(const char* key) { ctx_.report(childPath(path_, key), "required field is missing"); }
  void readString(const Json& in, const std::string& path, std::string& out, IntegerAsString);
  void readString(const Json& in, const std::string& path, std::string& out, OneOf oneOf);

  const Json& object_;
  std::string path_;
  ReadContext& ctx_;
  std::set<std::string> taken_;
  bool allowUnknown_ = false;
};

template <class T>
void readValue(const Json& in, const std::string& path, ReadContext& ctx, T& out) {
  if (!in.is_object()) return ctx.typeError(path, "an object", in);
  FieldReader reader(in, path, ctx);
  fields(reader, out);  // found by argument-dependent lookup in fields.h
  reader.finish();
}

// apiVersion must be aviary.dev/v1alpha1 and kind must be `kind`.
void readTypeMeta(FieldReader& reader, const char* kind);

// Reads what fits and ignores the rest: for status and metadata, which aviary or the API server wrote.
template <class T>
void readLeniently(const Json& in, const std::string& path, T& out) {
  FieldErrors ignored;
  ReadContext ctx{ignored, false};
  if (in.is_object()) readValue(in, path, ctx, out);
}

// A whole manifest (apiVersion, kind, metadata, spec, status) of ModelRelease or ReleaseApproval: the
// spec strictly, the status leniently.
template <class Resource>
Resource readManifest(const Json& object, const char* kind, FieldErrors& errors) {
  Resource resource;
  ReadContext ctx{errors};
  if (!object.is_object()) {
    ctx.report("", std::string("must be an object (a ") + kind + " manifest), got " + describeJson(object));
    return resource;
  }
  FieldReader reader(object, "", ctx);
  readTypeMeta(reader, kind);
  reader.required("metadata", resource.metadata);
  reader.required("spec", resource.spec);
  if (const Json* status = reader.take("status")) readLeniently(*status, "status", resource.status);
  reader.finish();
  return resource;
}

}  // namespace aviary::api::detail
