// libFuzzer entry: any bytes through parseDocuments → decode → validate → encode (see CMakeLists.txt).

#include <cstddef>
#include <cstdint>
#include <string>

#include "unit/api/exercise_decoder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  aviary::api::testing::exerciseDecoder(std::string(reinterpret_cast<const char*>(data), size));
  return 0;
}
