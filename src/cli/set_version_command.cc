// aviary set-version [-n NS] NAME VERSION: merge-patch spec.model.version, which starts a rollout of
// VERSION (what a CI job runs after registering a model version; `aviary wait` then follows it).

#include <ostream>

#include "cli/commands.h"
#include "cli/release_client.h"
#include "cli/user_request.h"

namespace aviary::cli {

namespace {

const ReleaseCommandSpec kSetVersion{
    "set-version", "Set spec.model.version: the operator starts a rollout of VERSION.", {"VERSION"}, {}, "", ""};

}  // namespace

int setVersionCommand(const Invocation& call) {
  int exitCode = kExitOk;
  auto line = parseOrExplain(call, kSetVersion, exitCode);
  if (!line) return exitCode;
  const std::string& version = line->arguments.front();
  if (version.empty()) return fail(call, kSetVersion, "VERSION is empty", kExitUsage);
  auto client = ReleaseClient::connect(line->connection);
  if (!client) return fail(call, kSetVersion, client.error().message);
  auto before = (*client)->get(line->release);
  if (!before) return fail(call, kSetVersion, before.error().message);
  auto after = (*client)->mergePatch(line->release, versionPatch(version));
  if (!after) return fail(call, kSetVersion, after.error().message);
  const auto previous = decodeRelease(*before).spec.model.version;
  const auto patched = decodeRelease(*after);
  const std::string where = (*client)->namespace_() + "/" + line->release;
  if (previous == version) {
    call.out << "modelrelease " << where << " already names version " << version << " (nothing changed)\n";
  } else {
    call.out << "modelrelease " << where << ": spec.model.version " << previous << " -> " << version << " (generation "
             << patched.metadata.generation << ")\n";
  }
  call.out << "follow it with `" << call.program << " wait -n " << (*client)->namespace_() << " " << line->release << "`\n";
  return kExitOk;
}

}  // namespace aviary::cli
