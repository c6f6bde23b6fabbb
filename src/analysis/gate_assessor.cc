#include "aviary/analysis/gate_assessor.h"

#include <algorithm>

#include "aviary/common/duration.h"

namespace aviary::analysis {

namespace {

// Argo Rollouts retries a measurement that errored after 10 s rather than a whole interval.
constexpr Duration kErrorRetry{10'000};

// At the start of a stage the canary's first samples may not be scraped yet, and a ratio query whose
// numerator has no series answers nothing: so many no-data looks are retried at the interval before
// they count toward inconclusiveLimit.
constexpr int32_t kNoDataLooksBeforeFirstData = 5;

bool waitingForFirstData(const api::GateStatus& s, api::Verdict verdict) {
  return verdict == api::Verdict::NoData && s.successes + s.failures + s.inconclusives == 0 &&
         s.waitedForData < kNoDataLooksBeforeFirstData;
}

api::Verdict verdictOf(GateState state, const api::GateStatus& status) {
  switch (state) {
    case GateState::Passed: return api::Verdict::Pass;
    case GateState::Failed: return api::Verdict::Fail;
    case GateState::Inconclusive: return api::Verdict::Inconclusive;
    case GateState::Errored: return api::Verdict::Error;
    case GateState::Running: break;
  }
  return status.measurements.empty() ? api::Verdict::Inconclusive : status.measurements.back().verdict;
}

}  // namespace

const char* gateStateName(GateState state) {
  switch (state) {
    case GateState::Running: return "Running";
    case GateState::Passed: return "Passed";
    case GateState::Failed: return "Failed";
    case GateState::Inconclusive: return "Inconclusive";
    case GateState::Errored: return "Errored";
  }
  return "Unknown";
}

GateTiming gateTiming(const api::Gate& gate, const api::AnalysisSpec& analysis, bool background) {
  GateTiming t;
  t.interval = durationOr(gate.interval, durationOr(analysis.interval, t.interval));
  // A sequential judge's first look compares what arrived since the stage began: at its start, nothing.
  const bool sequential = gate.compare && gate.compare->sequential;
  t.initialDelay = durationOr(gate.initialDelay, sequential ? t.interval : Duration{0});
  if (gate.count) {
    t.count = *gate.count;
  } else if (!background) {
    t.count = 1;
  }
  return t;
}

api::GateStatus startGate(const api::Gate& gate, const std::string& judgeDescription, const GateTiming& timing,
                          TimePoint now) {
  api::GateStatus s;
  s.name = gate.name;
  s.judge = judgeDescription;
  s.startedAt = formatRfc3339(now);
  s.nextMeasurementAt = formatRfc3339(now + timing.initialDelay);
  return s;
}

bool measurementDue(const api::GateStatus& status, TimePoint now) {
  TimePoint due;
  if (!parseRfc3339(status.nextMeasurementAt, due)) return true;
  return due <= now;
}

GateState gateState(const api::GateStatus& s, const api::Gate& gate, const GateTiming& timing) {
  if (s.failures > gate.failureLimit) return GateState::Failed;
  if (s.consecutiveErrors > gate.consecutiveErrorLimit) return GateState::Errored;
  if (s.inconclusives > gate.inconclusiveLimit) return GateState::Inconclusive;
  // count is met by decisive measurements only: a gate never passes on inconclusive or no-data
  // measurements, however many its inconclusiveLimit tolerates (Argo would count them).
  if (timing.count && s.successes + s.failures >= *timing.count) return GateState::Passed;
  // A sequential judge may conclude before count: its confidence sequence excludes every harmful
  // effect. Only a gate with a horizon stops early; a background gate watches until its stage ends.
  if (timing.count && s.sequential && s.sequential->decision == "pass") return GateState::Passed;
  return GateState::Running;
}

GateState recordMeasurement(api::GateStatus& s, const api::Gate& gate, const GateTiming& timing,
                            const Judgement& judgement, TimePoint now) {
  api::Measurement m;
  m.time = formatRfc3339(now);
  m.verdict = judgement.verdict;
  m.value = judgement.value;
  m.baseline = judgement.baseline;
  m.detail = judgement.detail;
  s.measurements.push_back(std::move(m));
  if (s.measurements.size() > kMaxMeasurements) {
    s.measurements.erase(s.measurements.begin(), s.measurements.end() - static_cast<std::ptrdiff_t>(kMaxMeasurements));
  }

  Duration next = timing.interval;
  switch (judgement.verdict) {
    case api::Verdict::Pass: ++s.successes; s.consecutiveErrors = 0; break;
    case api::Verdict::Fail: ++s.failures; s.consecutiveErrors = 0; break;
    case api::Verdict::NoData:
      s.consecutiveErrors = 0;
      if (waitingForFirstData(s, judgement.verdict)) {
        ++s.waitedForData;
        break;
      }
      ++s.inconclusives;
      break;
    case api::Verdict::Inconclusive: ++s.inconclusives; s.consecutiveErrors = 0; break;
    case api::Verdict::Error:
      ++s.errors;
      ++s.consecutiveErrors;
      next = std::min(timing.interval, kErrorRetry);
      break;
  }
  s.nextMeasurementAt = formatRfc3339(now + next);
  GateState state = gateState(s, gate, timing);
  s.verdict = verdictOf(state, s);
  return state;
}

namespace {

std::string lastDetail(const api::GateStatus& s) {
  return s.measurements.empty() ? std::string() : " (" + s.measurements.back().detail + ")";
}

StageVerdict allMustPass(const std::vector<api::GateStatus>& statuses, const std::vector<GateState>& states) {
  // Worst state first: a failure decides at once, then errors, then inconclusive, then running.
  for (GateState worst : {GateState::Failed, GateState::Errored, GateState::Inconclusive, GateState::Running}) {
    for (size_t i = 0; i < states.size(); ++i) {
      if (states[i] == worst) {
        return {worst, std::nullopt, "gate " + statuses[i].name + " " + gateStateName(worst) + lastDetail(statuses[i])};
      }
    }
  }
  return {GateState::Passed, std::nullopt, "all " + std::to_string(states.size()) + " gates passed"};
}

StageVerdict scored(const std::vector<api::GateStatus>& statuses, const std::vector<const api::Gate*>& gates,
                    const std::vector<GateState>& states, const api::AnalysisSpec& analysis) {
  for (size_t i = 0; i < states.size(); ++i) {
    if (states[i] == GateState::Failed && gates[i]->critical) {
      return {GateState::Failed, 0.0, "critical gate " + statuses[i].name + " failed" + lastDetail(statuses[i])};
    }
  }
  if (std::count(states.begin(), states.end(), GateState::Running) > 0) {
    return {GateState::Running, std::nullopt, "waiting for gates to finish"};
  }
  const double passed = static_cast<double>(std::count(states.begin(), states.end(), GateState::Passed));
  const double score = states.empty() ? 100.0 : passed / static_cast<double>(states.size()) * 100.0;
  const std::string text = "score " + std::to_string(static_cast<int>(score + 0.5)) + " (pass " +
                           std::to_string(static_cast<int>(*analysis.passScore)) + ")";
  if (score >= *analysis.passScore) return {GateState::Passed, score, text};
  if (analysis.marginalScore && score >= *analysis.marginalScore) return {GateState::Inconclusive, score, text + ": marginal"};
  return {GateState::Failed, score, text + ": below the pass score"};
}

}  // namespace

StageVerdict combineGates(const std::vector<api::GateStatus>& statuses, const std::vector<const api::Gate*>& gates,
                          const std::vector<GateState>& states, const api::AnalysisSpec& analysis) {
  if (analysis.passScore) return scored(statuses, gates, states, analysis);
  return allMustPass(statuses, states);
}

}  // namespace aviary::analysis
