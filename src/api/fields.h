#pragma once
// The field list of every API struct, written once: the YAML/JSON name of each member, whether it is
// required, and how it is read. FieldReader (decode) and JsonWriter (encode) both walk these lists.
// `visitor.required(name, member)` / `visitor.optional(name, member[, option])`.

#include "api/field_reader.h"
#include "aviary/api/model_release.h"
#include "aviary/api/release_approval.h"

namespace aviary::api::detail {

// ---- metadata ------------------------------------------------------------------------------------

template <class V>
void fields(V& v, ObjectMeta& m) {
  v.allowUnknownFields();  // creationTimestamp, managedFields, ownerReferences, … are not aviary's
  v.optional("name", m.name);
  v.optional("namespace", m.namespace_);
  v.optional("uid", m.uid);
  v.optional("resourceVersion", m.resourceVersion);
  v.optional("generation", m.generation);
  v.optional("labels", m.labels);
  v.optional("annotations", m.annotations);
  v.optional("deletionTimestamp", m.deletionTimestamp);
}

// ---- ModelRelease spec ---------------------------------------------------------------------------

template <class V>
void fields(V& v, ModelRef& m) {
  v.required("name", m.name);
  v.required("version", m.version, IntegerAsString{});
}

template <class V>
void fields(V& v, MlflowRegistry& m) {
  v.required("url", m.url);
  v.optional("credentialsSecret", m.credentialsSecret);
}

template <class V>
void fields(V& v, RegistrySpec& r) {
  v.optional("mlflow", r.mlflow);
  v.optional("required", r.required);
}

template <class V>
void fields(V& v, ServiceSpec& s) {
  v.optional("port", s.port);
  v.optional("targetPort", s.targetPort);
}

template <class V>
void fields(V& v, GatewayApiRouting& g) {
  v.required("httpRoute", g.httpRoute);
}

template <class V>
void fields(V& v, IstioRouting& i) {
  v.required("virtualService", i.virtualService);
  v.optional("routes", i.routes);
}

template <class V>
void fields(V& v, TrafficRouting& t) {
  v.optional("gatewayAPI", t.gatewayAPI);
  v.optional("istio", t.istio);
}

template <class V>
void fields(V& v, PauseStep& p) {
  v.optional("duration", p.duration);
}

template <class V>
void fields(V& v, AnalysisStep& a) {
  v.required("gates", a.gates);
}

template <class V>
void fields(V& v, ApprovalStep& a) {
  v.optional("groups", a.groups);
  v.optional("users", a.users);
}

template <class V>
void fields(V& v, MirrorStep& m) {
  v.required("percent", m.percent);
}

template <class V>
void fields(V& v, HeaderMatch& m) {
  v.required("header", m.header);
  v.optional("exact", m.exact);
  v.optional("prefix", m.prefix);
  v.optional("regex", m.regex);
}

template <class V>
void fields(V& v, HeaderRoute& r) {
  v.required("name", r.name);
  v.optional("match", r.match);
}

template <class V>
void fields(V& v, CanaryStep& s) {
  v.optional("setWeight", s.setWeight);
  v.optional("pause", s.pause);
  v.optional("analysis", s.analysis);
  v.optional("approval", s.approval);
  v.optional("setMirror", s.setMirror);
  v.optional("setHeaderRoute", s.setHeaderRoute);
}

template <class V>
void fields(V& v, CanaryStrategy& c) {
  v.optional("trafficRouting", c.trafficRouting);
  v.optional("steps", c.steps);
  v.optional("backgroundAnalysis", c.backgroundAnalysis);
  v.optional("scaleDownDelay", c.scaleDownDelay);
}

template <class V>
void fields(V& v, BlueGreenStrategy& b) {
  v.optional("autoPromote", b.autoPromote);
  v.optional("autoPromotionSeconds", b.autoPromotionSeconds);
  v.optional("prePromotionAnalysis", b.prePromotionAnalysis);
  v.optional("postPromotionAnalysis", b.postPromotionAnalysis);
  v.optional("scaleDownDelay", b.scaleDownDelay);
  v.optional("previewReplicas", b.previewReplicas);
}

template <class V>
void fields(V& v, Strategy& s) {
  v.optional("canary", s.canary);
  v.optional("blueGreen", s.blueGreen);
}

template <class V>
void fields(V& v, SecretKeyRef& s) {
  v.required("name", s.name);
  v.required("key", s.key);
}

template <class V>
void fields(V& v, PrometheusProvider& p) {
  v.required("address", p.address);
  v.required("query", p.query);
  v.optional("totalQuery", p.totalQuery);
  v.optional("range", p.range);
  v.optional("step", p.step);
  v.optional("bearerTokenSecret", p.bearerTokenSecret);
  v.optional("basicAuthSecret", p.basicAuthSecret);
  v.optional("timeout", p.timeout);
}

template <class V>
void fields(V& v, CommandProvider& c) {
  v.required("command", c.command);
  v.optional("timeout", c.timeout);
}

template <class V>
void fields(V& v, WebhookProvider& w) {
  v.required("url", w.url);
  v.optional("method", w.method, OneOf{{"GET", "POST"}});
  v.optional("body", w.body);
  v.optional("jsonPath", w.jsonPath);
  v.optional("bearerTokenSecret", w.bearerTokenSecret);
  v.optional("timeout", w.timeout);
}

template <class V>
void fields(V& v, Threshold& t) {
  v.optional("min", t.min);
  v.optional("max", t.max);
}

template <class V>
void fields(V& v, CompareSpec& c) {
  v.optional("test", c.test);
  v.optional("direction", c.direction);
  v.optional("confidence", c.confidence);
  v.optional("allowedIncrease", c.allowedIncrease);
  v.optional("allowedDecrease", c.allowedDecrease);
  v.optional("maxPsi", c.maxPsi);
  v.optional("minSamples", c.minSamples);
  v.optional("sequential", c.sequential);
  v.optional("quantile", c.quantile);
  v.optional("spending", c.spending);
  v.optional("maxLooks", c.maxLooks);
}

template <class V>
void fields(V& v, Gate& g) {
  v.required("name", g.name);
  v.optional("prometheus", g.prometheus);
  v.optional("command", g.command);
  v.optional("webhook", g.webhook);
  v.optional("threshold", g.threshold);
  v.optional("compare", g.compare);
  v.optional("interval", g.interval);
  v.optional("initialDelay", g.initialDelay);
  v.optional("count", g.count);
  v.optional("failureLimit", g.failureLimit);
  v.optional("inconclusiveLimit", g.inconclusiveLimit);
  v.optional("consecutiveErrorLimit", g.consecutiveErrorLimit);
  v.optional("critical", g.critical);
}

template <class V>
void fields(V& v, AnalysisSpec& a) {
  v.optional("interval", a.interval);
  v.optional("gates", a.gates);
  v.optional("passScore", a.passScore);
  v.optional("marginalScore", a.marginalScore);
}

template <class V>
void fields(V& v, RollbackSpec& r) {
  v.optional("automatic", r.automatic);
}

template <class V>
void fields(V& v, NotificationSpec& n) {
  v.required("name", n.name);
  v.optional("format", n.format);
  v.optional("url", n.url);
  v.optional("urlSecretRef", n.urlSecretRef);
}

template <class V>
void fields(V& v, ModelReleaseSpec& s) {
  v.required("model", s.model);
  v.optional("registry", s.registry);
  v.optional("replicas", s.replicas);
  v.required("template", s.template_);
  v.optional("service", s.service);
  v.required("strategy", s.strategy);
  v.optional("analysis", s.analysis);
  v.optional("rollback", s.rollback);
  v.optional("progressDeadlineSeconds", s.progressDeadlineSeconds);
  v.optional("notifications", s.notifications);
}

// ---- ModelRelease status (read leniently: it is written by aviary) -------------------------------

template <class V>
void fields(V& v, Condition& c) {
  v.optional("type", c.type);
  v.optional("status", c.status);
  v.optional("reason", c.reason);
  v.optional("message", c.message);
  v.optional("observedGeneration", c.observedGeneration);
  v.optional("lastTransitionTime", c.lastTransitionTime);
}

template <class V>
void fields(V& v, Measurement& m) {
  v.optional("time", m.time);
  v.optional("verdict", m.verdict);
  v.optional("value", m.value);
  v.optional("baseline", m.baseline);
  v.optional("detail", m.detail);
}

template <class V>
void fields(V& v, SequentialCounts& c) {
  v.optional("events", c.events);
  v.optional("total", c.total);
}

template <class V>
void fields(V& v, SequentialState& s) {
  v.optional("canary", s.canary);
  v.optional("baseline", s.baseline);
  v.optional("logLikelihoods", s.logLikelihoods);
  v.optional("pValue", s.pValue);
  v.optional("eValue", s.eValue);
  v.optional("ratioLow", s.ratioLow);
  v.optional("ratioHigh", s.ratioHigh);
  v.optional("boundary", s.boundary);
  v.optional("looks", s.looks);
  v.optional("maxLooks", s.maxLooks, OmitZero{});
  v.optional("alphaSpent", s.alphaSpent, OmitZero{});
  v.optional("decision", s.decision);
  v.optional("reason", s.reason);
}

template <class V>
void fields(V& v, GateStatus& g) {
  v.optional("name", g.name);
  v.optional("stage", g.stage);
  v.optional("stopped", g.stopped);
  v.optional("judge", g.judge);
  v.optional("verdict", g.verdict);
  v.optional("successes", g.successes);
  v.optional("failures", g.failures);
  v.optional("inconclusives", g.inconclusives);
  v.optional("errors", g.errors);
  v.optional("consecutiveErrors", g.consecutiveErrors);
  v.optional("startedAt", g.startedAt);
  v.optional("nextMeasurementAt", g.nextMeasurementAt);
  v.optional("measurements", g.measurements);
  v.optional("sequential", g.sequential);
  v.optional("waitedForData", g.waitedForData);
}

template <class V>
void fields(V& v, ApprovalRecord& a) {
  v.optional("name", a.name);
  v.optional("approvedBy", a.approvedBy);
  v.optional("decision", a.decision);
  v.optional("comment", a.comment);
  v.optional("step", a.step);
  v.optional("time", a.time);
  v.optional("accepted", a.accepted);
  v.optional("message", a.message);
}

template <class V>
void fields(V& v, RegistryRecord& r) {
  v.optional("key", r.key);
  v.optional("event", r.event);
  v.optional("version", r.version);
  v.optional("tags", r.tags);
  v.optional("alias", r.alias);
  v.optional("removeAlias", r.removeAlias);
  v.optional("attempts", r.attempts);
  v.optional("lastError", r.lastError);
  v.optional("nextAttemptAt", r.nextAttemptAt);
}

template <class V>
void fields(V& v, HistoryEntry& h) {
  v.optional("version", h.version);
  v.optional("outcome", h.outcome);
  v.optional("time", h.time);
  v.optional("message", h.message);
}

template <class V>
void fields(V& v, RecordPoint& p) {
  v.optional("gate", p.gate);
  v.optional("time", p.time);
  v.optional("step", p.step);
  v.optional("verdict", p.verdict);
  v.optional("value", p.value);
  v.optional("baseline", p.baseline);
  v.optional("pValue", p.pValue);
  v.optional("eValue", p.eValue);
  v.optional("requests", p.requests);
  v.optional("baselineRequests", p.baselineRequests);
  v.optional("detail", p.detail);
}

template <class V>
void fields(V& v, RecordEvent& e) {
  v.optional("kind", e.kind);
  v.optional("time", e.time);
  v.optional("step", e.step);
  v.optional("action", e.action);
  v.optional("by", e.by);
  v.optional("decision", e.decision);
  v.optional("comment", e.comment);
  v.optional("message", e.message);
}

template <class V>
void fields(V& v, DecisionRecordStatus& r) {
  v.optional("rollout", r.rollout);
  v.optional("version", r.version);
  v.optional("baselineVersion", r.baselineVersion);
  v.optional("strategy", r.strategy);
  v.optional("startedAt", r.startedAt);
  v.optional("endedAt", r.endedAt);
  v.optional("outcome", r.outcome);
  v.optional("reason", r.reason);
  v.optional("events", r.events);
  v.optional("points", r.points);
  v.optional("prunedPoints", r.prunedPoints, OmitZero{});
  v.optional("droppedPoints", r.droppedPoints, OmitZero{});
  v.optional("experimentId", r.experimentId);
  v.optional("runId", r.runId);
  v.optional("runUrl", r.runUrl);
  v.optional("sentPoints", r.sentPoints);
  v.optional("sentEvents", r.sentEvents);
  v.optional("paramsLogged", r.paramsLogged);
  v.optional("runEnded", r.runEnded);
  v.optional("artifactUploaded", r.artifactUploaded);
  v.optional("versionTagged", r.versionTagged);
  v.optional("attempts", r.attempts, OmitZero{});
  v.optional("lastError", r.lastError);
  v.optional("nextAttemptAt", r.nextAttemptAt);
}

template <class V>
void fields(V& v, ModelReleaseStatus& s) {
  v.optional("observedGeneration", s.observedGeneration);
  v.optional("phase", s.phase);
  v.optional("message", s.message);
  v.optional("stableVersion", s.stableVersion);
  v.optional("canaryVersion", s.canaryVersion);
  v.optional("previousStableVersion", s.previousStableVersion);
  v.optional("rolledBackVersion", s.rolledBackVersion);
  v.optional("currentStepIndex", s.currentStepIndex);
  v.optional("canaryWeight", s.canaryWeight);
  v.optional("mirrorPercent", s.mirrorPercent, OmitZero{});
  v.optional("headerRoutes", s.headerRoutes);
  v.optional("stepStartedAt", s.stepStartedAt);
  v.optional("rolloutStartedAt", s.rolloutStartedAt);
  v.optional("scaleDownAt", s.scaleDownAt);
  v.optional("lastHandledRequest", s.lastHandledRequest);
  v.optional("conditions", s.conditions);
  v.optional("gates", s.gates);
  v.optional("approvals", s.approvals);
  v.optional("registrySync", s.registrySync);
  v.optional("history", s.history);
  v.optional("decisionRecords", s.decisionRecords);
}

// ---- ReleaseApproval -----------------------------------------------------------------------------

template <class V>
void fields(V& v, ReleaseApprovalSpec& s) {
  v.required("release", s.release);
  v.required("decision", s.decision, OneOf{{"approve", "reject"}});
  v.required("approvedBy", s.approvedBy);
  v.optional("groups", s.groups);
  v.optional("comment", s.comment);
  v.optional("revision", s.revision);
  v.optional("step", s.step);
}

template <class V>
void fields(V& v, ReleaseApprovalStatus& s) {
  v.optional("phase", s.phase);
  v.optional("message", s.message);
}

}  // namespace aviary::api::detail
