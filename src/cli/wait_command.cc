// aviary wait [-n NS] NAME [--timeout 30m]: follow a release until its current spec is promoted, for CI.
// Prints a line per change as it goes. Exit codes (docs/cli.md):
//   0  Promoted: the operator observed the current spec and its version is stable
//   1  RolledBack, Invalid or Degraded=True (the reason is printed), or the release cannot be read
//   2  --timeout passed first (also: a wrong command line)
//   130 interrupted (Ctrl-C / SIGTERM)

#include <ctime>
#include <ostream>

#include "aviary/common/duration.h"
#include "cli/commands.h"
#include "cli/progress_lines.h"
#include "cli/release_client.h"
#include "cli/release_outcome.h"
#include "cli/stop_trigger.h"

namespace aviary::cli {

namespace {

constexpr int kExitTimeout = 2;
constexpr int kExitInterrupted = 130;
constexpr auto kDefaultTimeout = std::chrono::minutes(30);

const ReleaseCommandSpec kWait{
    "wait",
    "Wait until the release's current spec is promoted (exit 0), fails (1: RolledBack, Invalid, Degraded)\n"
    "or --timeout passes (2), printing its progress.",
    {},
    {{"--timeout", "", true}},
    "[--timeout 30m]",
    "      --timeout 30m      give up after this long (exit 2)\n"};

std::string timeOfDay() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char text[16];
  std::strftime(text, sizeof text, "%H:%M:%S", &local);
  return text;
}

}  // namespace

int waitCommand(const Invocation& call) {
  int exitCode = kExitOk;
  auto line = parseOrExplain(call, kWait, exitCode);
  if (!line) return exitCode;
  auto timeout = durationFlag(line->flags, "--timeout", kDefaultTimeout);
  if (!timeout) return fail(call, kWait, timeout.error().message, kExitUsage);
  if (*timeout <= Duration::zero()) return fail(call, kWait, "--timeout must be positive", kExitUsage);
  StopTrigger stop(*timeout);  // before the client's threads exist (stop_trigger.h)
  auto client = ReleaseClient::connect(line->connection);
  if (!client) return fail(call, kWait, client.error().message);
  ProgressLines progress;
  OutcomeJudgement judgement;
  auto followed = (*client)->follow(line->release, [&](const Json& object) {
    const auto release = decodeRelease(object);
    for (const auto& text : progress.next(release)) call.out << timeOfDay() << " " << text << "\n";
    call.out.flush();
    judgement = judgeOutcome(release);
    return judgement.outcome == Outcome::InProgress;
  }, stop.flag());
  const std::string where = (*client)->namespace_() + "/" + line->release;
  if (!followed) return fail(call, kWait, followed.error().message);
  switch (judgement.outcome) {
    case Outcome::Promoted:
      call.out << "modelrelease " << where << " promoted\n";
      return kExitOk;
    case Outcome::Failed:
      return fail(call, kWait, "modelrelease " + where + " failed: " + judgement.reason);
    case Outcome::InProgress:
      break;
  }
  if (stop.interrupted()) return kExitInterrupted;
  return fail(call, kWait, "timed out after " + formatDuration(*timeout) + " waiting for modelrelease " + where +
                              " to be promoted", kExitTimeout);
}

}  // namespace aviary::cli
