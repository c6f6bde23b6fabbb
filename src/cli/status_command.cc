// aviary status [-n NS] NAME [--watch]: the release at a glance (status_view.h). --watch redraws on
// every change until the release settles (Promoted or RolledBack for its current spec) or the user
// interrupts; both exit 0.

#include <unistd.h>

#include <optional>
#include <iostream>

#include "cli/commands.h"
#include "cli/live_view.h"
#include "cli/release_client.h"
#include "cli/release_outcome.h"
#include "cli/status_view.h"
#include "cli/stop_trigger.h"

namespace aviary::cli {

namespace {

const ReleaseCommandSpec kStatus{
    "status",
    "Show a ModelRelease: versions, phase, steps (current marked), progress, gates, approvals, conditions, history.",
    {},
    {{"--watch", "-w", false}},
    "[--watch]",
    "  -w, --watch            redraw on every change; ends (exit 0) once the release is Promoted or\n"
    "                         RolledBack for its current spec, or on Ctrl-C\n"};

}  // namespace

int statusCommand(const Invocation& call) {
  int exitCode = kExitOk;
  auto line = parseOrExplain(call, kStatus, exitCode);
  if (!line) return exitCode;
  const bool watch = line->flags.on("--watch");
  std::optional<StopTrigger> stop;
  if (watch) stop.emplace();  // before the client's threads exist (stop_trigger.h)
  auto client = ReleaseClient::connect(line->connection);
  if (!client) return fail(call, kStatus, client.error().message);
  const StatusViewOptions options{call.program};
  if (!watch) {
    auto object = (*client)->get(line->release);
    if (!object) return fail(call, kStatus, object.error().message);
    call.out << renderStatus(decodeRelease(*object), options);
    return kExitOk;
  }
  // Only a real terminal gets the in-place redraw; call.out is stdout in the binary.
  LiveView view(call.out, &call.out == &std::cout ? terminalSize(STDOUT_FILENO) : TerminalSize{});
  auto followed = (*client)->follow(line->release, [&](const Json& object) {
    const auto release = decodeRelease(object);
    view.show(renderStatus(release, options));
    return !settled(release);
  }, stop->flag());
  return followed ? kExitOk : fail(call, kStatus, followed.error().message);
}

}  // namespace aviary::cli
