#include "aviary/runtime/micro_time.h"

#include <cstdio>

namespace aviary::runtime {

std::string formatMicroTime(TimePoint t) {
  using namespace std::chrono;
  auto micros = duration_cast<microseconds>(t.time_since_epoch()).count();
  auto fraction = micros % 1'000'000;
  if (fraction < 0) fraction += 1'000'000;  // before 1970: floor, not truncate toward zero
  std::string seconds = formatRfc3339(TimePoint(duration_cast<TimePoint::duration>(microseconds(micros - fraction))));
  char buf[8];
  std::snprintf(buf, sizeof buf, ".%06lld", static_cast<long long>(fraction));
  seconds.insert(seconds.size() - 1, buf);  // before the "Z"
  return seconds;
}

}  // namespace aviary::runtime
