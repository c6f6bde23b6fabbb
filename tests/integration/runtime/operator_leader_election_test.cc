// Two `aviary operator --leader-elect` processes against the real kube-apiserver: the Lease moves to
// the standby after the leader is killed (-9: within the lease duration) or stopped (SIGTERM: it
// releases the Lease, so within about one retry period).
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fcntl.h>

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "aviary/runtime/leader_election.h"
#include "integration/runtime/cluster_fixture.h"

extern char** environ;

namespace aviary::runtime {
namespace {

using namespace std::chrono_literals;
using testing::ClusterTest;
using testing::eventually;

// An `aviary operator` child process, its stderr (the JSON log) in a file.
class OperatorProcess {
 public:
  OperatorProcess(const std::string& binary, const std::vector<std::string>& args, const std::string& logPath)
      : logPath_(logPath) {
    std::vector<std::string> argv = {binary, "operator"};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 2, logPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    if (posix_spawn(&pid_, binary.c_str(), &actions, nullptr, cargv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
  }
  ~OperatorProcess() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  pid_t pid() const { return pid_; }
  // The identity the operator uses for the Lease: host name and pid.
  std::string identity() const {
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    return std::string(host) + "_" + std::to_string(pid_);
  }
  void signal(int sig) { kill(pid_, sig); }
  // The exit status once it has exited within timeout; nullopt otherwise.
  std::optional<int> waitExit(std::chrono::milliseconds timeout) {
    int status = 0;
    bool done = eventually([&] { return waitpid(pid_, &status, WNOHANG) == pid_; }, timeout);
    if (!done) return std::nullopt;
    exited_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  std::string log() const {
    std::ifstream in(logPath_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

 private:
  std::string logPath_;
  pid_t pid_ = -1;
  bool exited_ = false;
};

class OperatorLeaderElectionTest : public ClusterTest {
 protected:
  void SetUp() override {
    ClusterTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    const char* binaryDir = std::getenv("AVIARY_BINARY_DIR");
    ASSERT_NE(binaryDir, nullptr);
    binary_ = std::string(binaryDir) + "/src/cli/aviary";
    if (access(binary_.c_str(), X_OK) != 0) GTEST_SKIP() << binary_ << " not built";
    leaseName_ = "aviary-operator-test";
  }
  std::unique_ptr<OperatorProcess> start(const std::string& tag) {
    std::string log = std::string(std::getenv("AVIARY_BINARY_DIR")) + "/operator-" + namespace_ + "-" + tag + ".log";
    return std::make_unique<OperatorProcess>(
        binary_,
        std::vector<std::string>{"--leader-elect", "--namespace", namespace_, "--leader-election-id", leaseName_,
                                 "--health-addr", "127.0.0.1:0"},
        log);
  }
  std::string holder() {
    auto lease = client_->get(k8s::resources::kLeases, namespace_, leaseName_);
    return lease.ok() ? leaseRecordFromLease(*lease).holderIdentity : "";
  }
  bool heldBy(const OperatorProcess& p, std::chrono::milliseconds timeout) {
    return eventually([&] { return holder() == p.identity(); }, timeout);
  }

  std::string binary_;
  std::string leaseName_;
};

TEST_F(OperatorLeaderElectionTest, StandbyTakesOverWithinTheLeaseDurationAfterTheLeaderIsKilled) {
  auto first = start("a");
  ASSERT_TRUE(heldBy(*first, 20s)) << first->log();
  auto second = start("b");
  // The standby keeps waiting while the leader renews.
  EXPECT_FALSE(heldBy(*second, 5s)) << second->log();

  first->signal(SIGKILL);
  auto killedAt = std::chrono::steady_clock::now();
  ASSERT_TRUE(heldBy(*second, 25s)) << second->log();
  auto handover = std::chrono::steady_clock::now() - killedAt;
  // 15 s lease since the last renew (≤ 2 s before the kill) + one 2 s retry period, with slack.
  EXPECT_LT(handover, 19s);
  EXPECT_NE(second->log().find("\"msg\":\"caches synced, starting workers\""), std::string::npos)
      << second->log();
}

TEST_F(OperatorLeaderElectionTest, SigtermReleasesTheLeaseSoTheStandbyTakesOverAtOnce) {
  auto first = start("a");
  ASSERT_TRUE(heldBy(*first, 20s)) << first->log();
  auto second = start("b");
  ASSERT_TRUE(eventually([&] { return second->log().find("leader observed") != std::string::npos; }, 20s));

  first->signal(SIGTERM);
  auto stoppedAt = std::chrono::steady_clock::now();
  auto status = first->waitExit(20s);
  ASSERT_TRUE(status.has_value()) << "the leader did not exit after SIGTERM:\n" << first->log();
  EXPECT_EQ(*status, 0) << first->log();
  EXPECT_NE(first->log().find("\"msg\":\"lease released\""), std::string::npos) << first->log();
  ASSERT_TRUE(heldBy(*second, 10s)) << second->log();
  // Released: the standby needs one retry period (2 s), not the 15 s lease.
  EXPECT_LT(std::chrono::steady_clock::now() - stoppedAt, 6s);
}

}  // namespace
}  // namespace aviary::runtime
