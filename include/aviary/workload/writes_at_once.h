#pragma once
// Writes that depend on no order among them, sent at once: the first on the calling thread, the others
// each on a thread of its own, so they wait one round trip to the API server instead of one each.

#include <functional>
#include <vector>

#include "aviary/common/result.h"
#include "aviary/workload/write_outcome.h"

namespace aviary::workload {

using Write = std::function<Result<WriteOutcome>()>;

// Every write's result, in the order given; all of them have returned when this does. The writes
// sent on other threads are as urgent as the caller's (common/urgent_scope.h).
std::vector<Result<WriteOutcome>> writeAtOnce(const std::vector<Write>& writes);

}  // namespace aviary::workload
