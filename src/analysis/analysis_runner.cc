#include "aviary/analysis/analysis_runner.h"

#include <algorithm>

#include "aviary/analysis/gate_credentials.h"

namespace aviary::analysis {

AnalysisRunner::AnalysisRunner(const ProviderRegistry& providers, const Clock& clock, SecretResolver secrets,
                               MeasurementSource* source)
    : providers_(providers), clock_(clock), secrets_(std::move(secrets)), source_(source ? source : &inline_) {}

namespace {

const api::Gate* findGate(const api::ModelRelease& release, const std::string& name) {
  for (const auto& g : release.spec.analysis.gates) {
    if (g.name == name) return &g;
  }
  return nullptr;
}

api::GateStatus* findStatus(std::vector<api::GateStatus>& statuses, const std::string& name) {
  for (auto& s : statuses) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

Judgement errorJudgement(const Error& error) { return Judgement{api::Verdict::Error, std::nullopt, std::nullopt, error.message}; }

// A provider's error may quote what the endpoint echoed back or the URL it called.
Result<MetricValue> withoutSecrets(Result<MetricValue> value, const QueryContext& context) {
  if (value.ok()) return value;
  return makeError(value.error().code, withoutCredentials(value.error().message, context.secrets));
}

// Cumulative queries (increase(...[{{elapsed}}])) count from the moment the gate's stage started.
void setStageWindow(QueryContext& context, const api::GateStatus& status, TimePoint now) {
  TimePoint started;
  if (!parseRfc3339(status.startedAt, started)) started = now;
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now - started).count();
  context.elapsed = std::to_string(std::max<long long>(1, seconds)) + "s";
  context.stageStart = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(started.time_since_epoch()).count());
}

// The name a look is asked for by. A gate's first look, when it is due as its stage starts, is "first"
// whichever pass asks: the pass that starts a stage may leave its start unwritten while that look is
// fetched (docs/architecture.md, "The first look"), and the pass it wakes starts the stage again at
// its own now, yet must be given the look already taken.
std::string lookName(const api::GateStatus& status) {
  return status.measurements.empty() && status.nextMeasurementAt == status.startedAt ? "first" : status.nextMeasurementAt;
}

}  // namespace

FetchWork AnalysisRunner::fetchWork(const api::ModelRelease& release, const Versions& versions, const api::Gate& gate,
                                    bool needsBaseline, const api::GateStatus& status, TimePoint now) const {
  QueryContext context;
  context.namespace_ = release.metadata.namespace_;
  context.release = release.metadata.name;
  context.baselineVersion = versions.baseline;
  context.version = versions.canary;
  setStageWindow(context, status, now);
  return [&providers = providers_, &clock = clock_, secrets = secrets_, release, gate, context, needsBaseline, now,
          sequential = status.sequential]() mutable {
    FetchedValues values;
    values.startedAt = now;
    auto ready = [&]() -> FetchedValues {
      values.readyAt = clock.now();
      // Judged as the pass will (on a copy of what a sequential judge carries between looks), so the
      // release a failing look belongs to is woken ahead of the rest.
      api::GateStatus scratch;
      scratch.sequential = std::move(sequential);
      values.failing = judgeValues(values, *makeJudge(gate), scratch).verdict == api::Verdict::Fail;
      return std::move(values);
    };
    MetricProvider* provider = providers.find(providerKind(gate));
    if (!provider) {
      values.canary = makeError(ErrorCode::InvalidSpec, "no provider registered for gate " + gate.name);
      return ready();
    }
    if (secrets) {
      auto credentials = secrets(release, gate);
      if (!credentials.ok()) {
        values.canary = credentials.error();
        return ready();
      }
      context.secrets = std::move(*credentials);
    }
    values.canary = withoutSecrets(provider->fetch(gate, context), context);
    if (!values.canary.ok() || !needsBaseline) return ready();
    QueryContext baseline = context;
    baseline.version = context.baselineVersion;
    values.baseline = withoutSecrets(provider->fetch(gate, baseline), baseline);
    return ready();
  };
}

Judgement AnalysisRunner::judgeValues(const FetchedValues& values, const Judge& judge, api::GateStatus& status) {
  if (!values.canary.ok()) return errorJudgement(values.canary.error());
  if (!judge.needsBaseline()) return judge.judge(*values.canary, nullptr);
  if (!values.baseline) return errorJudgement(makeError(ErrorCode::Internal, "the baseline was not measured"));
  if (!values.baseline->ok()) return errorJudgement(values.baseline->error());
  if (!judge.sequential()) return judge.judge(*values.canary, &**values.baseline);
  if (!status.sequential) status.sequential.emplace();
  return judge.judgeLook(*values.canary, &**values.baseline, *status.sequential);
}

StageResult AnalysisRunner::run(const api::ModelRelease& release, const std::string& stage, const Versions& versions,
                                const std::vector<std::string>& gateNames, bool background,
                                std::vector<api::GateStatus>& statuses, TimePoint now) const {
  const std::string releaseKey = release.metadata.namespace_ + "/" + release.metadata.name;
  StageResult result;
  std::vector<const api::Gate*> gates;
  std::vector<GateState> states;
  std::vector<api::GateStatus> ordered;
  for (const auto& name : gateNames) {
    const api::Gate* gate = findGate(release, name);
    if (!gate) continue;  // validation rejects unknown names before analysis runs
    const GateTiming timing = gateTiming(*gate, release.spec.analysis, background);
    auto judge = makeJudge(*gate);
    api::GateStatus* status = findStatus(statuses, name);
    api::GateStatus fresh;
    if (!status) {
      fresh = startGate(*gate, judge->describe(), timing, now);
      status = &fresh;
    }
    GateState state = gateState(*status, *gate, timing);
    std::optional<TimePoint> due;
    if (state == GateState::Running && measurementDue(*status, now)) {
      const MeasurementKey key{releaseKey, stage, name, lookName(*status), versions.canary, versions.baseline};
      if (auto values = source_->take(key, fetchWork(release, versions, *gate, judge->needsBaseline(), *status, now))) {
        state = recordMeasurement(*status, *gate, timing, judgeValues(*values, *judge, *status), values->startedAt);
        result.taken.push_back({name, status->measurements.back(), state, values->readyAt});
      } else {
        due = now + kPendingRecheck;  // the source wakes the release sooner, once the values are in
        result.lookPending = true;
      }
    }
    TimePoint next;
    if (state == GateState::Running && !due && parseRfc3339(status->nextMeasurementAt, next)) due = next;
    if (state == GateState::Running && due && (!result.nextDue || *due < *result.nextDue)) result.nextDue = due;
    gates.push_back(gate);
    states.push_back(state);
    ordered.push_back(*status);
  }
  statuses = std::move(ordered);
  result.verdict = combineGates(statuses, gates, states, release.spec.analysis);
  if (result.verdict.state != GateState::Running) result.nextDue.reset();
  return result;
}

}  // namespace aviary::analysis
