#pragma once
// metav1.MicroTime: RFC 3339 in UTC with exactly six fractional digits, "2026-11-22T07:30:05.000000Z",
// as Kubernetes writes Lease renewTime and Event eventTime (and as our log lines carry "ts").
// parseRfc3339 (common/clock.h) reads it back. Pure, thread-safe.

#include <string>

#include "aviary/common/clock.h"

namespace aviary::runtime {

std::string formatMicroTime(TimePoint t);

}  // namespace aviary::runtime
