// aviary approve|reject [-n NS] NAME [--comment TEXT] [--timeout 30s]: record a decision on the approval
// step the release waits at, as yourself. Who you are comes from the API server (SelfSubjectReview),
// the API server checks the ReleaseApproval names you (admission policy) and RBAC decides whether you
// may create one; the operator then checks the `approve` right and the step's users/groups and records
// its judgement in status.approvals, which this command waits for (--timeout) and reports.
// Exit 0: accepted (or created and not judged within --timeout); 1: refused by the API server or
// ignored by the operator, with its reason.

#include <optional>
#include <ostream>

#include "cli/approval_request.h"
#include "cli/commands.h"
#include "cli/release_client.h"
#include "cli/status_view.h"
#include "cli/stop_trigger.h"

namespace aviary::cli {

namespace {

constexpr auto kDefaultJudgementWait = std::chrono::seconds(30);

ReleaseCommandSpec decisionSpec(const std::string& decision, const std::string& summary) {
  return {decision,
          summary,
          {},
          {{"--comment", "-m", true}, {"--timeout", "", true}},
          "[--comment TEXT] [--timeout 30s]",
          "  -m, --comment TEXT     why (kept in status.approvals and the model registry)\n"
          "      --timeout 30s      how long to wait for the operator's verdict (0: do not wait)\n"};
}

const ReleaseCommandSpec kApprove = decisionSpec(
    "approve", "Approve the step the release waits at, as the user your kubeconfig authenticates.");
const ReleaseCommandSpec kReject = decisionSpec(
    "reject", "Reject the step the release waits at, as the user your kubeconfig authenticates (the release rolls back).");

int decide(const Invocation& call, const ReleaseCommandSpec& spec) {
  int exitCode = kExitOk;
  auto line = parseOrExplain(call, spec, exitCode);
  if (!line) return exitCode;
  auto wait = durationFlag(line->flags, "--timeout", kDefaultJudgementWait);
  if (!wait) return fail(call, spec, wait.error().message, kExitUsage);
  StopTrigger stop(*wait);  // before the client's threads exist (stop_trigger.h)
  auto client = ReleaseClient::connect(line->connection);
  if (!client) return fail(call, spec, client.error().message);
  auto object = (*client)->get(line->release);
  if (!object) return fail(call, spec, object.error().message);
  auto who = (*client)->whoAmI();
  if (!who) return fail(call, spec, who.error().message);
  auto approval = buildApproval(decodeRelease(*object), *who, spec.name, line->flags.value("--comment"));
  if (!approval) return fail(call, spec, approval.error().message);
  auto created = (*client)->createApproval(*approval);
  if (!created) {
    const bool refused = created.error().code == ErrorCode::Forbidden;
    return fail(call, spec, std::string(refused ? "the API server refused the approval: " : "creating the approval failed: ") +
                created.error().message);
  }
  const std::string approvalName = created->value("metadata", Json::object()).value("name", std::string());
  const int step = (*approval)["spec"].value("step", 0);
  call.out << "releaseapproval " << (*client)->namespace_() << "/" << approvalName << ": " << who->username << " "
           << (spec.name == "approve" ? "approves" : "rejects") << " step " << step + 1 << " of " << line->release << "\n";
  if (*wait <= Duration::zero()) return kExitOk;

  std::optional<api::ApprovalRecord> judgement;
  api::ModelRelease latest;
  auto followed = (*client)->follow(line->release, [&](const Json& current) {
    latest = decodeRelease(current);
    judgement = judgementOf(latest, approvalName);
    return !judgement;
  }, stop.flag());
  if (!followed) return fail(call, spec, followed.error().message);
  if (!judgement) {
    call.out << "the operator has not judged it yet; see `" << call.program << " status -n " << (*client)->namespace_()
             << " " << line->release << "`\n";
    return kExitOk;
  }
  if (!judgement->accepted) return fail(call, spec, "the operator ignored it: " + judgement->message);
  call.out << "accepted; now: " << summaryLine(latest) << "\n";
  return kExitOk;
}

}  // namespace

int approveCommand(const Invocation& call) { return decide(call, kApprove); }
int rejectCommand(const Invocation& call) { return decide(call, kReject); }

}  // namespace aviary::cli
