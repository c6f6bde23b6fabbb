#pragma once
// What a call that may write to the API server did: the writes it made (none when the live state
// already matched). "Zero writes for an idle release" is a product target, so every writer reports here;
// the operator also remembers each resourceVersion to recognise the watch events its own writes cause.

#include <cstddef>
#include <string>
#include <vector>

namespace aviary::workload {

struct ObjectWrite {
  std::string kind;             // "Deployment", "Service", "HTTPRoute", …
  std::string namespace_;
  std::string name;
  std::string verb;             // "create" | "update" | "patch" | "delete"
  std::string resourceVersion;  // of the object after the write; "" for a delete
};

struct WriteOutcome {
  std::vector<ObjectWrite> writes;

  std::size_t count() const { return writes.size(); }
  void add(ObjectWrite write) { writes.push_back(std::move(write)); }
  void append(const WriteOutcome& other) { writes.insert(writes.end(), other.writes.begin(), other.writes.end()); }
};

}  // namespace aviary::workload
