#include "aviary/workload/writes_at_once.h"

#include <future>

#include "aviary/common/urgent_scope.h"

namespace aviary::workload {

std::vector<Result<WriteOutcome>> writeAtOnce(const std::vector<Write>& writes) {
  std::vector<std::future<Result<WriteOutcome>>> others;
  const bool urgent = UrgentScope::active();
  for (size_t i = 1; i < writes.size(); ++i) {
    others.push_back(std::async(std::launch::async, [&write = writes[i], urgent] {
      UrgentScope scope(urgent);
      return write();
    }));
  }
  std::vector<Result<WriteOutcome>> results;
  if (!writes.empty()) results.push_back(writes.front()());
  for (auto& other : others) results.push_back(other.get());
  return results;
}

}  // namespace aviary::workload
