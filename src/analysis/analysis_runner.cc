#include "aviary/analysis/analysis_runner.h"

#include <algorithm>

#include "aviary/analysis/gate_credentials.h"

namespace aviary::analysis {

AnalysisRunner::AnalysisRunner(const ProviderRegistry& providers, SecretResolver secrets)
    : providers_(providers), secrets_(std::move(secrets)) {}

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
Judgement fetchErrorJudgement(const Error& error, const QueryContext& context) {
  return errorJudgement(makeError(error.code, withoutCredentials(error.message, context.secrets)));
}

// Cumulative queries (increase(...[{{elapsed}}])) count from the moment the gate's stage started.
void setStageWindow(QueryContext& context, const api::GateStatus& status, TimePoint now) {
  TimePoint started;
  if (!parseRfc3339(status.startedAt, started)) started = now;
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now - started).count();
  context.elapsed = std::to_string(std::max<long long>(1, seconds)) + "s";
  context.stageStart = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(started.time_since_epoch()).count());
}

}  // namespace

Judgement AnalysisRunner::measure(const api::ModelRelease& release, const Versions& versions, const api::Gate& gate,
                                  const Judge& judge, api::GateStatus& status, TimePoint now) const {
  MetricProvider* provider = providers_.find(providerKind(gate));
  if (!provider) return errorJudgement(makeError(ErrorCode::InvalidSpec, "no provider registered for gate " + gate.name));
  QueryContext context;
  context.namespace_ = release.metadata.namespace_;
  context.release = release.metadata.name;
  context.baselineVersion = versions.baseline;
  context.version = versions.canary;
  setStageWindow(context, status, now);
  if (secrets_) {
    auto credentials = secrets_(release, gate);
    if (!credentials.ok()) return errorJudgement(credentials.error());
    context.secrets = std::move(*credentials);
  }

  auto canary = provider->fetch(gate, context);
  if (!canary.ok()) return fetchErrorJudgement(canary.error(), context);
  if (!judge.needsBaseline()) return judge.judge(*canary, nullptr);
  QueryContext baselineContext = context;
  baselineContext.version = context.baselineVersion;
  auto baseline = provider->fetch(gate, baselineContext);
  if (!baseline.ok()) return fetchErrorJudgement(baseline.error(), baselineContext);
  if (!judge.sequential()) return judge.judge(*canary, &*baseline);
  if (!status.sequential) status.sequential.emplace();
  return judge.judgeLook(*canary, &*baseline, *status.sequential);
}

StageResult AnalysisRunner::run(const api::ModelRelease& release, const Versions& versions,
                                const std::vector<std::string>& gateNames, bool background,
                                std::vector<api::GateStatus>& statuses, TimePoint now) const {
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
    if (state == GateState::Running && measurementDue(*status, now)) {
      state = recordMeasurement(*status, *gate, timing, measure(release, versions, *gate, *judge, *status, now), now);
      result.taken.push_back({name, status->measurements.back(), state});
    }
    if (state == GateState::Running) {
      TimePoint due;
      if (parseRfc3339(status->nextMeasurementAt, due) && (!result.nextDue || due < *result.nextDue)) result.nextDue = due;
    }
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
