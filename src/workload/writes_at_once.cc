#include "aviary/workload/writes_at_once.h"

#include <future>

namespace aviary::workload {

std::vector<Result<WriteOutcome>> writeAtOnce(const std::vector<Write>& writes) {
  std::vector<std::future<Result<WriteOutcome>>> others;
  for (size_t i = 1; i < writes.size(); ++i) others.push_back(std::async(std::launch::async, writes[i]));
  std::vector<Result<WriteOutcome>> results;
  if (!writes.empty()) results.push_back(writes.front()());
  for (auto& other : others) results.push_back(other.get());
  return results;
}

}  // namespace aviary::workload
