#pragma once
// A stable, dependency-free content hash for names and the spec-hash annotation. Not cryptographic:
// it only has to change when its input changes and be the same across processes and releases.

#include <cstdint>
#include <string>

namespace aviary::workload {

// FNV-1a 64-bit of text, as 16 lowercase hex digits.
std::string fnvHex(const std::string& text);

}  // namespace aviary::workload
