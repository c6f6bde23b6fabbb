// writeAtOnce: every write runs, each on a thread of its own, and each result comes back in its place.

#include "aviary/workload/writes_at_once.h"

#include <gtest/gtest.h>

#include <mutex>
#include <set>
#include <thread>

namespace aviary::workload {
namespace {

TEST(WriteAtOnceTest, EveryWriteRunsAndEachResultIsInItsPlace) {
  std::mutex mutex;
  std::set<std::thread::id> threads;
  std::vector<Write> writes;
  for (int i = 0; i < 3; ++i) {
    writes.push_back([&, i]() -> Result<WriteOutcome> {
      {
        std::lock_guard lock(mutex);
        threads.insert(std::this_thread::get_id());
      }
      if (i == 1) return makeError(ErrorCode::Conflict, "second failed");
      WriteOutcome outcome;
      outcome.add({"Deployment", "ml", "d" + std::to_string(i), "patch", ""});
      return outcome;
    });
  }
  auto results = writeAtOnce(writes);
  ASSERT_EQ(results.size(), 3u);
  ASSERT_TRUE(results[0].ok());
  EXPECT_EQ(results[0]->writes[0].name, "d0");
  ASSERT_FALSE(results[1].ok());
  EXPECT_EQ(results[1].error().message, "second failed");
  ASSERT_TRUE(results[2].ok());
  EXPECT_EQ(results[2]->writes[0].name, "d2");
  EXPECT_EQ(threads.size(), 3u);
}

TEST(WriteAtOnceTest, NoWritesNoResults) { EXPECT_TRUE(writeAtOnce({}).empty()); }

}  // namespace
}  // namespace aviary::workload
