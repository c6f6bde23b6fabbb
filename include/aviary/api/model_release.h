#pragma once
// The ModelRelease resource (aviary.dev/v1alpha1) as plain value types. Field names mirror the YAML
// (camelCase there, camelCase here) so a reader can map one to the other; see crds/ for the schema.
// Decoding, defaults and validation live in decode.h / validate.h.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace aviary::api {

inline constexpr const char* kGroup = "aviary.dev";
inline constexpr const char* kVersion = "v1alpha1";
inline constexpr const char* kApiVersion = "aviary.dev/v1alpha1";

// metadata fields aviary reads or writes.
struct ObjectMeta {
  std::string name;
  std::string namespace_;
  std::string uid;
  std::string resourceVersion;
  int64_t generation = 0;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  std::optional<std::string> deletionTimestamp;
};

// ---- spec ----------------------------------------------------------------------------------------

struct ModelRef {
  std::string name;     // registered model name in the registry
  std::string version;  // the version to release; changing it starts a rollout
};

struct MlflowRegistry {
  std::string url;
  std::string credentialsSecret;  // Secret with keys username/password (basic auth); optional
};

struct RegistrySpec {
  std::optional<MlflowRegistry> mlflow;
  bool required = false;  // true: promotion waits until approval records are acknowledged
};

struct ServiceSpec {
  int32_t port = 8080;
  std::optional<int32_t> targetPort;  // defaults to port
};

struct GatewayApiRouting {
  std::string httpRoute;  // HTTPRoute in the release's namespace
};

struct IstioRouting {
  std::string virtualService;       // VirtualService in the release's namespace
  std::vector<std::string> routes;  // names of HTTP routes to manage; empty = all
};

// At most one set; none = replica ratio.
struct TrafficRouting {
  std::optional<GatewayApiRouting> gatewayAPI;
  std::optional<IstioRouting> istio;
};

enum class RouterKind { ReplicaRatio, GatewayApi, Istio };

struct PauseStep {
  std::optional<std::string> duration;  // absent = indefinite (until promote)
};

struct AnalysisStep {
  std::vector<std::string> gates;  // names from spec.analysis.gates
};

struct ApprovalStep {
  std::vector<std::string> groups;  // approver must be in one of these (if set)
  std::vector<std::string> users;   // or be one of these (if set)
};

// Mirror a share of the stable version's requests to the canary; its answers are discarded (shadow).
struct MirrorStep {
  int32_t percent = 0;  // 0..100; 0 removes the mirror
};

// One header condition of a header route: exactly one of exact / prefix / regex (validated).
struct HeaderMatch {
  std::string header;
  std::optional<std::string> exact;
  std::optional<std::string> prefix;
  std::optional<std::string> regex;
  bool operator==(const HeaderMatch&) const = default;
};

// Requests matching every condition go to the canary, whatever the weight. As a step: the same name
// with no match removes the route. In status: the routes in effect.
struct HeaderRoute {
  std::string name;
  std::vector<HeaderMatch> match;
  bool operator==(const HeaderRoute&) const = default;
};

// Exactly one action is set (validated).
struct CanaryStep {
  std::optional<int32_t> setWeight;
  std::optional<PauseStep> pause;
  std::optional<AnalysisStep> analysis;
  std::optional<ApprovalStep> approval;
  std::optional<MirrorStep> setMirror;
  std::optional<HeaderRoute> setHeaderRoute;
};

struct CanaryStrategy {
  TrafficRouting trafficRouting;
  std::vector<CanaryStep> steps;
  std::optional<AnalysisStep> backgroundAnalysis;  // runs during the whole canary
  std::string scaleDownDelay = "30s";              // before the old stable is scaled down
};

struct BlueGreenStrategy {
  bool autoPromote = false;
  std::optional<int32_t> autoPromotionSeconds;  // with autoPromote: wait this long after preview is ready
  std::optional<AnalysisStep> prePromotionAnalysis;
  std::optional<AnalysisStep> postPromotionAnalysis;
  std::string scaleDownDelay = "30s";
  std::optional<int32_t> previewReplicas;  // defaults to spec.replicas
};

// Exactly one set (validated).
struct Strategy {
  std::optional<CanaryStrategy> canary;
  std::optional<BlueGreenStrategy> blueGreen;
};

struct SecretKeyRef {
  std::string name;
  std::string key;
};

struct PrometheusProvider {
  std::string address;  // http://prometheus:9090
  std::string query;    // PromQL with {{version}} {{release}} {{namespace}} {{baselineVersion}}
  std::optional<std::string> totalQuery;  // proportion judge: the denominator (query = events)
  std::optional<std::string> range;  // e.g. "5m": range query for sample sets (compare judges)
  std::optional<std::string> step;   // range query step, e.g. "15s"
  std::optional<SecretKeyRef> bearerTokenSecret;
  std::optional<std::string> basicAuthSecret;  // Secret with username/password
  std::string timeout = "5s";
};

struct CommandProvider {
  std::vector<std::string> command;  // argv; {{version}} etc. are templated in each argument
  std::string timeout = "10s";
};

struct WebhookProvider {
  std::string url;
  std::string method = "GET";  // GET | POST
  std::optional<std::string> body;
  std::string jsonPath = "$";  // selector of the number (or array) in the response
  std::optional<SecretKeyRef> bearerTokenSecret;  // sent as Authorization: Bearer <value>
  std::string timeout = "5s";
};

struct Threshold {
  std::optional<double> min;
  std::optional<double> max;
};

enum class CompareTest { MannWhitney, Proportion, Psi, Quantile };
enum class Direction { Increase, Decrease, Either };
// How a sequential judge spends its false-rollback budget 1 − confidence over the looks of a stage
// (docs/gates.md, "Planned looks"): none = the mixture e-process, valid for any number of looks;
// front-loaded = spent over a planned maximum of looks (maxLooks), most of it at the first three.
enum class Spending { None, FrontLoaded };

struct CompareSpec {
  CompareTest test = CompareTest::MannWhitney;
  Direction direction = Direction::Increase;
  double confidence = 0.95;                // in (0,1)
  std::optional<double> allowedIncrease;   // effect-size limit as a ratio, e.g. 1.1 (mann-whitney)
  std::optional<double> allowedDecrease;   // e.g. 0.9
  std::optional<double> maxPsi;            // psi judge: fail above (default 0.2)
  std::optional<int32_t> minSamples;       // fewer → Inconclusive (default per test: minSamplesFor)
  bool sequential = false;                 // anytime-valid test over every look of the stage (proportion, quantile)
  double quantile = 0.5;                   // quantile test: the pooled quantile whose exceedance is compared
  Spending spending = Spending::None;      // sequential judges: how 1 − confidence is spent over the looks
  std::optional<int32_t> maxLooks;         // spending front-loaded: the planned looks (maxLooksFor)
};

// The planned looks of a front-loaded sequential judge: maxLooks, else the gate's count, else 100.
inline constexpr int32_t kDefaultMaxLooks = 100;
inline int32_t maxLooksFor(const CompareSpec& compare, std::optional<int32_t> count) {
  if (compare.maxLooks) return *compare.maxLooks;
  return count.value_or(kDefaultMaxLooks);
}

// The minimum sample size of a test when the spec leaves it out. Two samples of one distribution
// score a PSI of about (bins − 1)·(1/n₁ + 1/n₂) by chance: at 500 per side and ten bins that is 0.036,
// well under the 0.1 "moderate shift" line. The other tests account for sample size themselves.
inline int32_t minSamplesFor(const CompareSpec& compare) {
  if (compare.minSamples) return *compare.minSamples;
  return compare.test == CompareTest::Psi ? 500 : 20;
}

struct Gate {
  std::string name;
  std::optional<PrometheusProvider> prometheus;  // exactly one provider (validated)
  std::optional<CommandProvider> command;
  std::optional<WebhookProvider> webhook;
  std::optional<Threshold> threshold;  // exactly one of threshold / compare (validated)
  std::optional<CompareSpec> compare;
  std::optional<std::string> interval;      // overrides spec.analysis.interval
  std::optional<std::string> initialDelay;
  std::optional<int32_t> count;             // measurements to take; absent = until the step ends
  int32_t failureLimit = 0;
  int32_t inconclusiveLimit = 0;
  int32_t consecutiveErrorLimit = 4;
  bool critical = false;
};

enum class ProviderKind { Prometheus, Command, Webhook };

struct AnalysisSpec {
  std::string interval = "30s";
  std::vector<Gate> gates;
  std::optional<double> passScore;      // Kayenta-style score (0-100); absent = all must pass
  std::optional<double> marginalScore;
};

struct RollbackSpec {
  bool automatic = true;
};

enum class NotificationFormat { Generic, Slack };

// A webhook that receives a POST on each phase change (docs/notifications.md). Exactly one of url /
// urlSecretRef (validated).
struct NotificationSpec {
  std::string name;  // unique in the list; what logs and metrics say instead of the URL
  NotificationFormat format = NotificationFormat::Generic;
  std::optional<std::string> url;            // http(s); a URL that carries a token belongs in a Secret
  std::optional<SecretKeyRef> urlSecretRef;  // Secret in the release's namespace holding the URL
};

struct ModelReleaseSpec {
  ModelRef model;
  RegistrySpec registry;
  int32_t replicas = 1;
  nlohmann::json template_;  // PodTemplateSpec, kept as the user wrote it
  ServiceSpec service;
  Strategy strategy;
  AnalysisSpec analysis;
  RollbackSpec rollback;
  int32_t progressDeadlineSeconds = 600;
  std::vector<NotificationSpec> notifications;
};

// ---- status --------------------------------------------------------------------------------------

enum class Phase { Pending, Progressing, Paused, AwaitingApproval, Promoted, RollingBack, RolledBack, Invalid };

// A rollback under way (RollingBack) or done (RolledBack).
inline bool rollingOrRolledBack(Phase p) { return p == Phase::RollingBack || p == Phase::RolledBack; }

struct Condition {
  std::string type;    // Ready | Progressing | Degraded
  std::string status;  // "True" | "False" | "Unknown"
  std::string reason;  // CamelCase
  std::string message;
  int64_t observedGeneration = 0;
  std::string lastTransitionTime;  // RFC 3339
};

enum class Verdict { Pass, Fail, Inconclusive, Error, NoData };

struct Measurement {
  std::string time;  // RFC 3339
  Verdict verdict = Verdict::Pass;
  std::optional<double> value;     // threshold judges: the measured number
  std::optional<double> baseline;  // compare judges: the baseline's summary
  std::string detail;              // e.g. "p=0.003 shift=+41ms" or the error text
};

// What an anytime-valid (sequential) judge carries from one look to the next (docs/gates.md). Counts
// are the cumulative readings of the last look, so the next look judges only what arrived since.
struct SequentialCounts {
  double events = 0;
  double total = 0;
};
struct SequentialState {
  SequentialCounts canary;
  SequentialCounts baseline;
  std::vector<double> logLikelihoods;  // log L(ratio)/L(1) at each ratio of the judge's grid
  double pValue = 1;                   // always-valid p-value of harm: never increases
  double eValue = 1;                   // the current e-value of harm
  std::optional<double> ratioLow;      // confidence sequence of the canary/baseline rate ratio (grid points)
  std::optional<double> ratioHigh;
  std::optional<double> boundary;      // quantile test: the baseline's bucket bound chosen at the first look
  int32_t looks = 0;
  int32_t maxLooks = 0;                // spending front-loaded: the planned looks (0 for the mixture)
  double alphaSpent = 0;               // spending front-loaded: the false-rollback budget used by the looks so far
  std::string decision;                // "" (undecided), "fail" or "pass"
  std::string reason;                  // why it stopped
};

struct GateStatus {
  std::string name;
  std::string stage;  // the analysis stage it belongs to, e.g. "7/step-2" (see release/actions.h)
  bool stopped = false;  // its stage ended; kept so the measured values stay visible
  std::string judge;  // "threshold max 0.01" / "mann-whitney increase 0.98" …
  Verdict verdict = Verdict::Inconclusive;  // the gate's current verdict
  int32_t successes = 0;
  int32_t failures = 0;
  int32_t inconclusives = 0;
  int32_t errors = 0;
  int32_t consecutiveErrors = 0;
  std::string startedAt;
  std::string nextMeasurementAt;
  std::vector<Measurement> measurements;  // bounded (last 10)
  std::optional<SequentialState> sequential;  // sequential judges only
  int32_t waitedForData = 0;  // NoData looks before the gate's first data (retried, not counted)
};

struct ApprovalRecord {
  std::string name;        // ReleaseApproval object name
  std::string approvedBy;
  std::string decision;    // approve | reject
  std::string comment;
  int32_t step = -1;       // the step index it applied to
  std::string time;
  bool accepted = false;   // false: ignored (reason in message)
  std::string message;
};

struct RegistryRecord {
  std::string key;    // idempotency key: <uid>/<generation>/<event>
  std::string event;  // approved | rejected | started | promoted | rolledBack
  std::string version;
  std::map<std::string, std::string> tags;
  std::string alias;        // alias to set on version ("champion"/"challenger"), optional
  std::string removeAlias;  // alias to delete, optional
  int32_t attempts = 0;
  std::string lastError;
  std::string nextAttemptAt;
};

struct HistoryEntry {
  std::string version;
  std::string outcome;  // Promoted | RolledBack | Aborted | Superseded
  std::string time;
  std::string message;
};

// ---- decision record (docs/audit.md) ------------------------------------------------------------
// What one rollout saw and decided, kept in status until the run in MLflow has it (the run outbox).

// One reading of the rollout: a gate's measurement, or (gate empty) the canary weight.
struct RecordPoint {
  std::string gate;  // empty: the canary weight (value)
  std::string time;  // RFC 3339, when it was taken
  int32_t step = 0;  // the rollout step it was taken in
  std::optional<Verdict> verdict;  // gates only
  std::optional<double> value;
  std::optional<double> baseline;
  std::optional<double> pValue;
  std::optional<double> eValue;
  std::optional<double> requests;          // sequential judges: the canary's requests counted so far
  std::optional<double> baselineRequests;  // and the baseline's
  std::string detail;
};

// A step of the timeline, a manual request or an approval (kind step | request | approval | decision).
struct RecordEvent {
  std::string kind;
  std::string time;
  int32_t step = 0;
  std::string action;  // step: "setWeight 20" / "analysis error-rate" …; request: its kind
  std::string by;      // approvals: the verified identity
  std::string decision;
  std::string comment;
  std::string message;
};

struct DecisionRecordStatus {
  int32_t rollout = 0;  // 1, 2, …: the rollout's number in this release
  std::string version;
  std::string baselineVersion;
  std::string strategy;  // canary | blueGreen
  std::string startedAt;
  std::string endedAt;
  std::string outcome;  // "" while running, else Promoted | RolledBack | Aborted | Superseded
  std::string reason;
  std::vector<RecordEvent> events;  // bounded
  std::vector<RecordPoint> points;  // bounded: sent points go first when full
  int32_t prunedPoints = 0;         // sent to MLflow, then dropped from status
  int32_t droppedPoints = 0;        // dropped before MLflow had them (the record is incomplete)
  // The run outbox: how far MLflow has the record.
  std::string experimentId;
  std::string runId;
  std::string runUrl;
  int32_t sentPoints = 0;  // points[0, sentPoints) are acknowledged (the high-water mark)
  int32_t sentEvents = 0;  // events[0, sentEvents) are tags on the run
  bool paramsLogged = false;
  bool runEnded = false;
  bool artifactUploaded = false;
  bool versionTagged = false;
  int32_t attempts = 0;
  std::string lastError;
  std::string nextAttemptAt;
};

struct ModelReleaseStatus {
  int64_t observedGeneration = 0;
  Phase phase = Phase::Pending;
  std::string message;
  std::string stableVersion;
  std::string canaryVersion;              // empty when not rolling out
  std::string previousStableVersion;      // kept warm for instant rollback
  std::string rolledBackVersion;          // a version that was rolled back: not retried until spec changes
  int32_t currentStepIndex = 0;
  int32_t canaryWeight = 0;
  int32_t mirrorPercent = 0;              // share of stable traffic mirrored to the canary (shadow)
  std::vector<HeaderRoute> headerRoutes;  // header routes to the canary in effect (setHeaderRoute steps)
  std::string stepStartedAt;              // RFC 3339: when the current step began (pauses, deadlines)
  std::string rolloutStartedAt;
  std::string scaleDownAt;                // when the old version may be scaled down
  std::string lastHandledRequest;         // id of the last aviary.dev/request annotation acted upon
  std::vector<Condition> conditions;
  std::vector<GateStatus> gates;
  std::vector<ApprovalRecord> approvals;
  std::vector<RegistryRecord> registrySync;
  std::vector<HistoryEntry> history;      // bounded (last 10)
  std::vector<DecisionRecordStatus> decisionRecords;  // bounded: the last rollouts, oldest first
};

struct ModelRelease {
  ObjectMeta metadata;
  ModelReleaseSpec spec;
  ModelReleaseStatus status;
};

// Annotations through which the CLI asks the operator to act (idempotent: the id is recorded in
// status.lastHandledRequest once handled).
inline constexpr const char* kRequestAnnotation = "aviary.dev/request";        // promote|promote-full|abort|rollback|retry
inline constexpr const char* kRequestIdAnnotation = "aviary.dev/request-id";
// Who asked: the requesting user's name, checked against the writer by the admission policy
// aviary-request-identity (crds/modelrelease-request-admission-policy.yaml). Absent: unverified.
inline constexpr const char* kRequestedByAnnotation = "aviary.dev/requested-by";
// Labels on every owned object.
inline constexpr const char* kReleaseLabel = "aviary.dev/release";
inline constexpr const char* kVersionLabel = "aviary.dev/model-version";

const char* phaseName(Phase p);
std::optional<Phase> parsePhase(const std::string& s);
const char* verdictName(Verdict v);
std::optional<Verdict> parseVerdict(const std::string& s);
const char* notificationFormatName(NotificationFormat f);
std::optional<NotificationFormat> parseNotificationFormat(const std::string& s);
RouterKind routerKind(const TrafficRouting& routing);  // router_kinds.h describes each
// A blue-green strategy: its Services are the switch, there is no router. (Validation allows exactly
// one strategy; a spec naming both is Invalid and never planned.)
bool isBlueGreen(const ModelReleaseSpec& spec);

}  // namespace aviary::api
