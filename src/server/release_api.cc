#include "aviary/server/release_api.h"

#include <cstdio>
#include <random>
#include <set>

#include "aviary/approval/approval_object.h"

#include "server/api_answers.h"
#include "server/caller_identity.h"

namespace aviary::server {

namespace answers = api_answers;

namespace {

struct ActionInfo {
  const char* path;       // the last path segment
  const char* verb;       // what the SubjectAccessReview asks about
  std::set<std::string> bodyFields;
};

const ActionInfo& infoOf(ReleaseAction action) {
  static const ActionInfo kApprove{"approve", "approve", {"comment"}};
  static const ActionInfo kReject{"reject", "approve", {"comment"}};
  static const ActionInfo kPromote{"promote", "patch", {"full"}};
  static const ActionInfo kAbort{"abort", "patch", {}};
  static const ActionInfo kRetry{"retry", "patch", {}};
  switch (action) {
    case ReleaseAction::Approve: return kApprove;
    case ReleaseAction::Reject: return kReject;
    case ReleaseAction::Promote: return kPromote;
    case ReleaseAction::Abort: return kAbort;
    case ReleaseAction::Retry: break;
  }
  return kRetry;
}

// What a body may ask beyond the action itself.
struct ActionBody {
  std::string comment;  // approve, reject
  bool full = false;    // promote: skip the remaining steps (promote-full)
};

Result<ActionBody> readBody(ReleaseAction action, const std::string& text) {
  auto object = answers::jsonObjectBody(text, infoOf(action).bodyFields);
  if (!object) return object.error();
  ActionBody body;
  if (auto comment = object->find("comment"); comment != object->end()) {
    if (!comment->is_string()) return makeError(ErrorCode::BadRequest, "\"comment\" must be a string");
    body.comment = comment->get<std::string>();
  }
  if (auto full = object->find("full"); full != object->end()) {
    if (!full->is_boolean()) return makeError(ErrorCode::BadRequest, "\"full\" must be true or false");
    body.full = full->get<bool>();
  }
  return body;
}

std::string pathParam(const HttpRequest& request, const char* name) {
  auto it = request.pathParams.find(name);
  return it == request.pathParams.end() ? std::string() : it->second;
}

}  // namespace

nlohmann::json requestPatch(const std::string& request, const std::string& id, const std::string& requestedBy) {
  return {{"metadata",
           {{"annotations",
             {{api::kRequestAnnotation, request},
              {api::kRequestIdAnnotation, id},
              {api::kRequestedByAnnotation, requestedBy.empty() ? nlohmann::json(nullptr) : nlohmann::json(requestedBy)}}}}}};
}

RequestIdSource randomRequestIds() {
  return [] {
    thread_local std::mt19937_64 generator{std::random_device{}()};
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(generator()));
    return "api-" + std::string(text);
  };
}

ReleaseApi::ReleaseApi(approval::TokenReviewer& tokens, approval::AccessReviewer& access, ReleaseStore& store,
                       runtime::Logger& logger, RequestIdSource requestIds, std::string namespace_)
    : tokens_(tokens), access_(access), store_(store), logger_(logger), requestIds_(std::move(requestIds)),
      namespace_(std::move(namespace_)) {}

void ReleaseApi::install(HttpServer& server) {
  for (auto action : {ReleaseAction::Approve, ReleaseAction::Reject, ReleaseAction::Promote, ReleaseAction::Abort,
                      ReleaseAction::Retry}) {
    server.addRoute("POST", std::string("/api/v1/namespaces/{namespace}/modelreleases/{name}/") + infoOf(action).path,
                    [this, action](const HttpRequest& request) { return handle(action, request); });
  }
}

// One request, step by step as release_api.h lists them; `call` carries what the log line reports.
struct ReleaseApi::Call {
  ReleaseAction action;
  std::string namespace_;
  std::string name;
  std::string user;  // once authenticated
  std::string release() const { return namespace_ + "/" + name; }
};

HttpResponse ReleaseApi::handle(ReleaseAction action, const HttpRequest& request) {
  Call call{action, pathParam(request, "namespace"), pathParam(request, "name"), ""};
  return logged(call, respond(call, request));
}

HttpResponse ReleaseApi::respond(Call& call, const HttpRequest& request) {
  const ActionInfo& info = infoOf(call.action);
  auto authenticated = authenticateCaller(tokens_, request);
  if (auto* refused = std::get_if<HttpResponse>(&authenticated)) return *refused;
  const Caller& caller = std::get<Caller>(authenticated);
  const approval::Identity& who = caller.identity;
  call.user = who.username;

  auto body = readBody(call.action, request.body);
  if (!body) return HttpResponse::jsonError(400, body.error().message);

  auto access = access_.review(who, {info.verb, call.namespace_, call.name});
  if (!access) return answers::unavailable("cannot authorize the caller", access.error());
  if (!access->allowed) {
    return HttpResponse::jsonError(403, who.username + " may not " + info.verb + " modelreleases/" + call.name +
                                            " in namespace " + call.namespace_ + ": " + access->reason);
  }
  if (!namespace_.empty() && call.namespace_ != namespace_) {
    return HttpResponse::jsonError(404, "modelrelease " + call.release() + " not found: this operator serves namespace " +
                                            namespace_ + " only");
  }
  switch (call.action) {
    case ReleaseAction::Approve:
    case ReleaseAction::Reject: return decide(call, who, caller.token, body->comment);
    case ReleaseAction::Promote:
    case ReleaseAction::Abort:
    case ReleaseAction::Retry: break;
  }
  return submitRequest(call, who, caller.token, body->full);
}

HttpResponse ReleaseApi::decide(const Call& call, const approval::Identity& who, const std::string& token,
                                const std::string& comment) {
  auto release = store_.read(call.namespace_, call.name);
  if (!release) {
    if (release.error().code == ErrorCode::NotFound) {
      return HttpResponse::jsonError(404, "modelrelease " + call.release() + " not found");
    }
    return answers::unavailable("cannot read the release", release.error());
  }
  if (!approval::pendingApprovalStep(*release)) {
    return HttpResponse::jsonError(409, "modelrelease " + call.release() + " is not waiting for an approval (phase " +
                                            api::phaseName(release->status.phase) + ")");
  }
  api::ReleaseApproval approval =
      approval::approvalFor(*release, who, call.action == ReleaseAction::Approve ? "approve" : "reject", comment);
  // RBAC is settled above; this is the step's own narrowing (users, groups), judged as the reconcile will.
  auto admitted = approval::evaluate(approval, *release, true, "");
  if (!admitted.accepted) return HttpResponse::jsonError(403, admitted.reason);

  auto created = store_.createApproval(token, call.namespace_, approval::approvalObject(approval));
  if (!created) return answers::relay(created.error());
  return answers::json(202, {{"kind", "ReleaseApproval"},
                             {"name", *created},
                             {"namespace", call.namespace_},
                             {"release", call.name},
                             {"decision", approval.spec.decision},
                             {"approvedBy", approval.spec.approvedBy},
                             {"revision", *approval.spec.revision},
                             {"step", *approval.spec.step}});
}

HttpResponse ReleaseApi::submitRequest(const Call& call, const approval::Identity& who, const std::string& token,
                                       bool full) {
  const std::string kind = call.action == ReleaseAction::Abort   ? "abort"
                           : call.action == ReleaseAction::Retry ? "retry"
                           : full                                ? "promote-full"
                                                                 : "promote";
  const std::string id = requestIds_();
  if (Status patched = store_.patchRelease(token, call.namespace_, call.name, requestPatch(kind, id, who.username));
      !patched) {
    return answers::relay(patched.error());
  }
  return answers::json(202, {{"request", kind},
                             {"requestId", id},
                             {"requestedBy", who.username},
                             {"namespace", call.namespace_},
                             {"release", call.name}});
}

HttpResponse ReleaseApi::logged(const Call& call, HttpResponse response) {
  nlohmann::json fields = {{"release", call.release()}, {"action", infoOf(call.action).path}, {"status", response.status}};
  if (!call.user.empty()) fields["user"] = call.user;
  if (auto answer = nlohmann::json::parse(response.body, nullptr, false); answer.is_object() && answer.contains("error")) {
    fields["error"] = answer["error"];
  }
  logger_.log(response.status >= 500 ? runtime::LogLevel::Error
              : response.status >= 400 ? runtime::LogLevel::Warn
                                       : runtime::LogLevel::Info,
              "http api request", fields);
  return response;
}

}  // namespace aviary::server
