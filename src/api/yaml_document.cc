// YAML (or JSON, a subset of it) text → JSON documents, with the position of every field. The only
// file that includes yaml-cpp: its exceptions stop here.
//
// Built from yaml-cpp's parser events rather than YAML::LoadAll + YAML::Node: LoadAll in yaml-cpp
// 0.7 (Debian 12) loops forever on a stray ',' (jbeder/yaml-cpp#1040, fixed upstream in #1319), and
// building JSON directly also gives each field's position and keeps alias expansion bounded.

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <map>
#include <sstream>

#include "api/field_path.h"
#include "api/utf8.h"
#include "api/yaml_scalar.h"
#include "aviary/api/decode.h"

namespace aviary::api {

namespace {

using Json = nlohmann::json;

// Guards against input that is small as text but huge or deep as a tree (alias bombs, [[[[…]]]]).
constexpr size_t kMaxDepth = 100;
constexpr size_t kMaxNodes = 1'000'000;
constexpr size_t kMaxDocuments = 10'000;

Mark markOf(const YAML::Mark& mark) {
  if (mark.is_null()) return {};
  return {mark.line + 1, mark.column + 1};
}

// Thrown from inside the event handler to stop the parser; carries line/column.
struct Malformed {
  FieldError error;
};

// Receives one document's events and builds its JSON and field marks.
class JsonBuilder final : public YAML::EventHandler {
 public:
  explicit JsonBuilder(Document& document) : document_(document) {}

  bool sawContent() const { return sawContent_; }
  const YAML::Mark& rootMark() const { return rootMark_; }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (stack_.empty()) rootMark_ = mark;
    add(nullptr, mark, anchor, 1);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor, const std::string& value) override {
    sawContent_ = true;
    if (!stack_.empty() && stack_.back().expectingKey) {
      if (anchor) anchors_[anchor] = {Json(value), 1};
      return takeKey(value, mark);
    }
    // yaml-cpp tags quoted and block scalars "!", plain ones "?".
    const bool isString = tag == "!" || tag == "tag:yaml.org,2002:str";
    add(isString ? Json(value) : detail::resolvePlainScalar(value), mark, anchor, 1);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    sawContent_ = true;
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) fail(mark, "", "unknown anchor");
    if (!stack_.empty() && stack_.back().expectingKey) {
      if (!it->second.value.is_string()) fail(mark, stack_.back().path, "mapping keys must be plain strings");
      return takeKey(it->second.value.get<std::string>(), mark);
    }
    add(it->second.value, mark, 0, it->second.nodes);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    open(Json::array(), mark, anchor);
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    open(Json::object(), mark, anchor);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Frame {
    Json value;
    std::string path;
    YAML::Mark mark;
    Mark fieldMark;  // where the field is named (its key), or the item itself in a list
    YAML::anchor_t anchor;
    size_t nodesAtStart;
    bool expectingKey;
    std::string key;  // the pending key of a mapping
    Mark keyMark;
  };

  [[noreturn]] void fail(const YAML::Mark& mark, const std::string& path, std::string message) {
    const Mark at = markOf(mark);
    throw Malformed{FieldError{path, std::move(message), at.line, at.column}};
  }

  void takeKey(const std::string& key, const YAML::Mark& mark) {
    Frame& map = stack_.back();
    if (map.value.contains(key)) fail(mark, detail::childPath(map.path, key), "duplicate key \"" + key + "\"");
    map.key = key;
    map.keyMark = markOf(mark);
    map.expectingKey = false;
  }

  // Where the next value goes: its path, and the mark errors about it point to.
  std::pair<std::string, Mark> nextSlot(const YAML::Mark& mark) {
    if (stack_.empty()) return {"", markOf(mark)};
    Frame& parent = stack_.back();
    if (parent.value.is_array()) return {detail::indexPath(parent.path, parent.value.size()), markOf(mark)};
    if (parent.expectingKey) fail(mark, parent.path, "mapping keys must be plain strings");
    return {detail::childPath(parent.path, parent.key), parent.keyMark};
  }

  void count(size_t nodes, const YAML::Mark& mark) {
    nodes_ += nodes;
    if (nodes_ > kMaxNodes) fail(mark, "", "document too large (more than 1000000 values after expanding aliases)");
  }

  void add(Json value, const YAML::Mark& mark, YAML::anchor_t anchor, size_t nodes) {
    if (stack_.empty() && value.is_null()) return;  // an empty document
    count(nodes, mark);
    auto [path, fieldMark] = nextSlot(mark);
    if (anchor) anchors_[anchor] = {value, nodes};
    place(std::move(value), path, fieldMark);
  }

  void place(Json value, const std::string& path, Mark fieldMark) {
    document_.marks.emplace(path, fieldMark);
    if (stack_.empty()) {
      document_.object = std::move(value);
      return;
    }
    Frame& parent = stack_.back();
    if (parent.value.is_array()) {
      parent.value.push_back(std::move(value));
    } else {
      parent.value[parent.key] = std::move(value);
      parent.expectingKey = true;
    }
  }

  void open(Json container, const YAML::Mark& mark, YAML::anchor_t anchor) {
    sawContent_ = true;
    if (stack_.size() >= kMaxDepth) fail(mark, "", "nesting deeper than 100 levels");
    count(1, mark);
    auto [path, fieldMark] = nextSlot(mark);
    const bool isMap = container.is_object();
    stack_.push_back(Frame{std::move(container), path, mark, fieldMark, anchor, nodes_, isMap, "", {}});
  }

  void close() {
    Frame frame = std::move(stack_.back());
    stack_.pop_back();
    if (frame.anchor) anchors_[frame.anchor] = {frame.value, nodes_ - frame.nodesAtStart + 1};
    place(std::move(frame.value), frame.path, frame.fieldMark);
  }

  struct Anchored {
    Json value;
    size_t nodes;
  };

  Document& document_;
  std::vector<Frame> stack_;
  std::map<YAML::anchor_t, Anchored> anchors_;
  size_t nodes_ = 0;
  bool sawContent_ = false;
  YAML::Mark rootMark_ = YAML::Mark::null_mark();
};

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
  if (const size_t bad = detail::invalidUtf8Offset(text); bad != std::string::npos) {
    const Mark at = detail::positionOf(text, bad);
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(text[bad]));
    return malformed(FieldError{"", std::string("invalid UTF-8 (byte ") + byte + ")", at.line, at.column});
  }
  std::vector<Document> documents;
  try {
    std::istringstream stream(text);
    YAML::Parser parser(stream);
    int previousEmptyAt = -2;  // not a position, not even the null mark's -1
    for (size_t count = 0; count < kMaxDocuments; ++count) {
      Document document;
      JsonBuilder builder(document);
      if (!parser.HandleNextDocument(builder)) break;
      if (!builder.sawContent()) {
        // "---" with nothing after it, or a comment-only document. Twice at the same place means
        // yaml-cpp is stuck on a token it cannot use (see the top of this file).
        const YAML::Mark& at = builder.rootMark();
        if (at.pos == previousEmptyAt) {
          return malformed(FieldError{"", "unexpected character (not valid YAML here)", at.line + 1, at.column + 1});
        }
        previousEmptyAt = at.pos;
        continue;
      }
      previousEmptyAt = -2;
      if (document.object.is_null()) continue;  // a document that is just `~`
      document.line = document.marks.count("") ? document.marks[""].line : 1;
      documents.push_back(std::move(document));
    }
  } catch (const Malformed& e) {
    return malformed(e.error);
  } catch (const YAML::Exception& e) {
    const Mark at = markOf(e.mark);
    return malformed(FieldError{"", e.msg, at.line, at.column});
  } catch (const std::exception& e) {  // e.g. bad_alloc on absurd input: still not a crash
    return malformed(FieldError{"", std::string("cannot parse: ") + e.what()});
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
