#include "analysis/command/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

#include "aviary/common/duration.h"

extern char** environ;

namespace aviary::analysis {

namespace {

using SteadyTime = std::chrono::steady_clock::time_point;

int millisecondsLeft(SteadyTime deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return static_cast<int>(std::max<long long>(0, left.count()));
}

// Owns a file descriptor.
struct Fd {
  int fd = -1;
  ~Fd() { reset(); }
  void reset() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
};

// The spawn's attributes and file actions, released whatever happens.
struct SpawnSetup {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attributes);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
  }
};

Result<pid_t> spawn(const std::vector<std::string>& argv, int stdoutFd) {
  SpawnSetup setup;
  posix_spawn_file_actions_addopen(&setup.actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&setup.actions, stdoutFd, STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&setup.actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  sigset_t none;
  sigemptyset(&none);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigmask(&setup.attributes, &none);
  posix_spawnattr_setsigdefault(&setup.attributes, &defaults);
  posix_spawnattr_setpgroup(&setup.attributes, 0);
  posix_spawnattr_setflags(&setup.attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int failed = posix_spawnp(&pid, args[0], &setup.actions, &setup.attributes, args.data(), environ);
  if (failed == ENOENT) return makeError(ErrorCode::Unavailable, "command not found: " + argv[0]);
  if (failed != 0) return makeError(ErrorCode::Unavailable, "command " + argv[0] + " failed to run: " + std::strerror(failed));
  return pid;
}

int exitCodeOf(int status) {
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Reaps the child once it exits, or kills its group at the deadline; the exit status, or nullopt on timeout.
std::optional<int> reap(pid_t pid, SteadyTime deadline) {
  auto pause = std::chrono::milliseconds(1);
  while (true) {
    int status = 0;
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) return exitCodeOf(status);
    if (done < 0 && errno != EINTR) return -1;
    if (millisecondsLeft(deadline) == 0) break;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(20));
  }
  ::kill(-pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return std::nullopt;
}

}  // namespace

Result<ChildOutcome> runChild(const std::vector<std::string>& argv, Duration timeout, size_t maxOutput) {
  if (argv.empty()) return makeError(ErrorCode::InvalidSpec, "no command to run");
  const SteadyTime deadline = std::chrono::steady_clock::now() + timeout;
  int ends[2];
  if (::pipe2(ends, O_CLOEXEC) != 0) return makeError(ErrorCode::Unavailable, std::string("pipe: ") + std::strerror(errno));
  Fd reading{ends[0]};
  Fd writing{ends[1]};
  auto pid = spawn(argv, writing.fd);
  if (!pid.ok()) return pid.error();
  writing.reset();  // the child holds the only write end: end of file once it (and its own children) close it

  enum class Stopped { AtEndOfOutput, AtDeadline, ForTooMuchOutput };
  Stopped stopped = Stopped::AtEndOfOutput;
  ChildOutcome outcome;
  char buffer[4096];
  while (true) {
    pollfd ready{reading.fd, POLLIN, 0};
    const int polled = ::poll(&ready, 1, millisecondsLeft(deadline));
    if (polled < 0 && errno == EINTR) continue;
    if (polled <= 0) {
      stopped = Stopped::AtDeadline;
      break;
    }
    const ssize_t n = ::read(reading.fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    outcome.output.append(buffer, static_cast<size_t>(n));
    if (outcome.output.size() > maxOutput) {
      stopped = Stopped::ForTooMuchOutput;
      break;
    }
  }
  const bool killNow = stopped != Stopped::AtEndOfOutput;
  if (killNow) ::kill(-*pid, SIGKILL);  // the whole group: a shell's children too
  auto status = reap(*pid, killNow ? std::chrono::steady_clock::now() : deadline);
  if (stopped == Stopped::ForTooMuchOutput) {
    return makeError(ErrorCode::BadRequest, "command " + argv[0] + " wrote more than " + std::to_string(maxOutput) + " bytes");
  }
  if (stopped == Stopped::AtDeadline || !status) {
    return makeError(ErrorCode::Timeout, "command " + argv[0] + " did not finish within " + formatDuration(timeout));
  }
  outcome.exitCode = *status;
  return outcome;
}

}  // namespace aviary::analysis
