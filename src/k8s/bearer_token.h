#pragma once
// The bearer token for requests: a fixed string, or a file re-read whenever it changes (kubelet
// rotates projected service-account tokens by swapping the file). A stat per request is the cost.
// Thread-safety: current() may be called from any thread.

#include <mutex>
#include <string>

#include "aviary/common/result.h"

namespace aviary::k8s {

class BearerToken {
 public:
  // file wins over token when both are set (kubectl's rule); both empty = no Authorization header.
  BearerToken(std::string token, std::string file);

  // The token to send now ("" = none). Errors when the file cannot be read and no earlier copy exists;
  // a failed re-read keeps the previous token (the file is mid-rotation).
  Result<std::string> current();

 private:
  std::string file_;
  std::mutex mutex_;
  std::string token_;
  // Identity of the file content last read: changes on rewrite and on atomic rename.
  struct Stamp {
    long long inode = -1, size = -1, mtimeNs = -1;
    bool operator==(const Stamp&) const = default;
  } stamp_;
};

}  // namespace aviary::k8s
