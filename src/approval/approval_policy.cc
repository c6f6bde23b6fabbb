#include "aviary/approval/approval_policy.h"

#include <algorithm>

namespace aviary::approval {

nlohmann::json subjectAccessReview(const Identity& who, const std::string& namespace_, const std::string& release) {
  return {
      {"apiVersion", "authorization.k8s.io/v1"},
      {"kind", "SubjectAccessReview"},
      {"spec",
       {{"user", who.username},
        {"groups", who.groups},
        {"resourceAttributes",
         {{"group", api::kGroup}, {"resource", "modelreleases"}, {"verb", "approve"}, {"namespace", namespace_},
          {"name", release}}}}},
  };
}

bool accessAllowed(const nlohmann::json& review, std::string& reason) {
  const auto status = review.value("status", nlohmann::json::object());
  const bool allowed = status.value("allowed", false);
  if (!allowed) {
    reason = status.value("reason", std::string());
    if (reason.empty()) reason = status.value("evaluationError", std::string("no RBAC rule grants it"));
  }
  return allowed;
}

const api::ApprovalStep* pendingApprovalStep(const api::ModelRelease& release) {
  if (release.status.phase != api::Phase::AwaitingApproval || !release.spec.strategy.canary) return nullptr;
  const auto& steps = release.spec.strategy.canary->steps;
  const auto index = static_cast<size_t>(release.status.currentStepIndex);
  if (index >= steps.size() || !steps[index].approval) return nullptr;
  return &*steps[index].approval;
}

namespace {

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

Decision ignored(std::string reason) { return Decision{false, std::move(reason)}; }

// The step's users/groups narrow who may approve beyond RBAC; empty lists narrow nothing.
bool stepAdmits(const api::ApprovalStep& step, const api::ReleaseApprovalSpec& spec) {
  if (step.users.empty() && step.groups.empty()) return true;
  if (contains(step.users, spec.approvedBy)) return true;
  return std::any_of(spec.groups.begin(), spec.groups.end(), [&](const std::string& g) { return contains(step.groups, g); });
}

}  // namespace

Decision evaluate(const api::ReleaseApproval& approval, const api::ModelRelease& release, bool rbacAllowed,
                  const std::string& rbacReason) {
  const auto& spec = approval.spec;
  if (spec.release != release.metadata.name) return ignored("approval is for release " + spec.release);
  if (spec.approvedBy.empty()) return ignored("approval names no approver");
  if (spec.decision != "approve" && spec.decision != "reject") return ignored("decision must be approve or reject");
  if (spec.revision && *spec.revision != release.metadata.generation) {
    return ignored("stale: approves generation " + std::to_string(*spec.revision) + ", the release is at " +
                   std::to_string(release.metadata.generation));
  }
  const api::ApprovalStep* step = pendingApprovalStep(release);
  if (!step) return ignored("the release is not waiting for an approval (phase " + std::string(api::phaseName(release.status.phase)) + ")");
  if (spec.step && *spec.step != release.status.currentStepIndex) {
    return ignored("stale: approves step " + std::to_string(*spec.step) + ", the release waits at step " +
                   std::to_string(release.status.currentStepIndex));
  }
  if (!rbacAllowed) return ignored(spec.approvedBy + " may not approve modelreleases/" + release.metadata.name + ": " + rbacReason);
  if (!stepAdmits(*step, spec)) return ignored(spec.approvedBy + " is not among the step's approvers (users or groups)");
  return Decision{true, ""};
}

}  // namespace aviary::approval
