#include "k8s/bearer_token.h"

#include <sys/stat.h>

#include <cctype>

#include "k8s/local_file.h"

namespace aviary::k8s {

BearerToken::BearerToken(std::string token, std::string file) : file_(std::move(file)), token_(std::move(token)) {}

Result<std::string> BearerToken::current() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (file_.empty()) return token_;
  struct stat info {};
  Stamp stamp;
  if (::stat(file_.c_str(), &info) == 0) {
    stamp = {static_cast<long long>(info.st_ino), static_cast<long long>(info.st_size),
             static_cast<long long>(info.st_mtim.tv_sec) * 1000000000LL + info.st_mtim.tv_nsec};
  }
  if (stamp == stamp_ && stamp.inode != -1) return token_;
  auto content = readLocalFile(file_, "token file");
  if (!content) {
    if (stamp_.inode != -1) return token_;
    return content.error();
  }
  std::string token = std::move(content).value();
  while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) token.pop_back();
  token_ = std::move(token);
  stamp_ = stamp;
  return token_;
}

}  // namespace aviary::k8s
