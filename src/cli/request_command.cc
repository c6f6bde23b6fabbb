// aviary promote|abort|rollback|retry [-n NS] NAME: ask the operator to act, through the annotations
// aviary.dev/request, aviary.dev/request-id and aviary.dev/requested-by (user_request.h). Who asks
// comes from the API server (SelfSubjectReview), and its admission policy checks the name against the
// writer. The operator acts once per id; a request that does not apply to the release's state is
// ignored with a Warning event (docs/planner.md, "Requests").

#include <ostream>

#include "cli/commands.h"
#include "cli/release_client.h"
#include "cli/status_view.h"
#include "cli/user_request.h"
#include "aviary/server/release_api.h"

namespace aviary::cli {

namespace {

struct RequestCommand {
  ReleaseCommandSpec spec;
  std::string request;          // the annotation's value
  std::string requestWithFull;  // with --full ("" when the command has no --full)
};

int sendRequest(const Invocation& call, const RequestCommand& command) {
  int exitCode = kExitOk;
  auto line = parseOrExplain(call, command.spec, exitCode);
  if (!line) return exitCode;
  const std::string& request = line->flags.on("--full") ? command.requestWithFull : command.request;
  auto client = ReleaseClient::connect(line->connection);
  if (!client) return fail(call, command.spec, client.error().message);
  // A cluster without SelfSubjectReview (before Kubernetes 1.28) still gets the request, unverified.
  std::string requester;
  if (auto who = (*client)->whoAmI()) {
    requester = who->username;
  } else {
    call.err << call.program << " " << command.spec.name << ": sending the request without a requester (recorded as "
             << "unverified): " << who.error().message << "\n";
  }
  const std::string id = newRequestId();
  auto patched = (*client)->mergePatch(line->release, server::requestPatch(request, id, requester));
  if (!patched) return fail(call, command.spec, patched.error().message);
  call.out << "requested " << request << " of modelrelease " << (*client)->namespace_() << "/" << line->release
           << " (request id " << id << (requester.empty() ? "" : ", as " + requester) << ")\n"
           << "  now: " << summaryLine(decodeRelease(*patched)) << "\n"
           << "  follow it with `" << call.program << " status -n " << (*client)->namespace_() << " " << line->release
           << " --watch`; a request that does not apply is ignored with a Warning event\n";
  return kExitOk;
}

const RequestCommand kPromote{
    {"promote",
     "Skip the step the release waits at (a pause or an analysis; blue-green: promote the preview).\n"
     "With --full, skip the remaining steps up to the next approval step. Approval steps are never skipped.",
     {},
     {{"--full", "", false}},
     "[--full]",
     "      --full             skip the remaining steps up to an approval step (promote-full)\n"},
    "promote",
    "promote-full"};

const RequestCommand kAbort{
    {"abort", "Stop the rollout: all traffic back to the stable version at once (the release ends RolledBack).", {}, {}, "", ""},
    "abort",
    ""};

const RequestCommand kRollback{
    {"rollback",
     "During a rollout: as abort. Once Promoted: go back to the previous stable version (kept warm for this).",
     {}, {}, "", ""},
    "rollback",
    ""};

const RequestCommand kRetry{
    {"retry", "Start the rollout of a rolled back version again from its first step.", {}, {}, "", ""},
    "retry",
    ""};

}  // namespace

int promoteCommand(const Invocation& call) { return sendRequest(call, kPromote); }
int abortCommand(const Invocation& call) { return sendRequest(call, kAbort); }
int rollbackCommand(const Invocation& call) { return sendRequest(call, kRollback); }
int retryCommand(const Invocation& call) { return sendRequest(call, kRetry); }

}  // namespace aviary::cli
