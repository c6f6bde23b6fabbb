#pragma once
// Runs one analysis stage of a release (an analysis step, blue-green pre/post-promotion analysis, or
// background analysis): takes the measurements that are due, judges them, updates status.gates[] and
// combines the gates into the stage's verdict. Called from reconcile; never sleeps and never waits on a
// provider: a due look's values come from a MeasurementSource (measurement_source.h), which fetches them
// in the background in the operator; a look still being fetched leaves its gate Running. It tells the
// caller when the next measurement is due so the key is requeued for exactly then.
// Thread-safety: run() may be called concurrently for different releases.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "aviary/analysis/gate_assessor.h"
#include "aviary/analysis/measurement_source.h"
#include "aviary/analysis/provider.h"
#include "aviary/api/model_release.h"
#include "aviary/common/egress_policy.h"
#include "aviary/common/clock.h"

namespace aviary::analysis {

// The providers by kind; filled by registerBuiltinProviders (src/analysis/register_builtins.cc).
class ProviderRegistry {
 public:
  void add(api::ProviderKind kind, MetricProviderPtr provider);
  MetricProvider* find(api::ProviderKind kind) const;

 private:
  std::vector<std::pair<api::ProviderKind, MetricProviderPtr>> providers_;
};
struct ProviderOptions {
  // The command provider runs programs inside the operator's container with its credentials, on the
  // word of whoever may create a ModelRelease; off unless the operator is started with
  // --enable-command-gates. Disabled, a command gate measures Error saying so.
  bool commandGates = false;
  // Applied to every URL a gate fetches (Prometheus addresses, webhook URLs): those come from the spec.
  // Not owned; must outlive the registry. nullptr = no policy (tests).
  const EgressPolicy* egress = nullptr;
};
void registerBuiltinProviders(ProviderRegistry& registry, const Clock& clock, const ProviderOptions& options = {});
api::ProviderKind providerKind(const api::Gate& gate);

// A measurement a gate took during this run (for Events and metrics).
struct TakenMeasurement {
  std::string gate;
  api::Measurement measurement;
  GateState state = GateState::Running;
  TimePoint readyAt;  // when its values were in hand
};

struct StageResult {
  StageVerdict verdict;
  std::optional<TimePoint> nextDue;  // earliest next measurement of a running gate
  std::vector<TakenMeasurement> taken;
  bool lookPending = false;  // a look was handed to the measurement source and is not in hand yet
};

// Resolves a gate's credentials (Secret data, see gate_credentials.h) for the query context; an error
// makes the measurement an Error naming the Secret.
using SecretResolver =
    std::function<Result<std::map<std::string, std::string>>(const api::ModelRelease&, const api::Gate&)>;

class AnalysisRunner {
 public:
  // A look being fetched is asked for again after this long at the latest.
  static constexpr Duration kPendingRecheck = std::chrono::seconds(5);

  // source: where due looks' values come from; nullptr = fetched at once on the caller's thread.
  // providers, clock and source must outlive the runner and every fetch it handed to the source (a
  // fetch owns copies of everything else).
  AnalysisRunner(const ProviderRegistry& providers, const Clock& clock, SecretResolver secrets = {},
                 MeasurementSource* source = nullptr);

  // The versions a stage measures: `canary` is the version under test, `baseline` what compare judges
  // hold it against (the stable version; after a blue-green switch, the previous one).
  struct Versions {
    std::string canary;
    std::string baseline;
  };

  // statuses: this stage's entries of status.gates[] (created on first run); gateNames: the stage's
  // gates (validated to exist in spec.analysis.gates).
  StageResult run(const api::ModelRelease& release, const std::string& stage, const Versions& versions,
                  const std::vector<std::string>& gateNames, bool background, std::vector<api::GateStatus>& statuses,
                  TimePoint now) const;

  // Drops the looks of a stage not yet judged (every stage when empty): the stage stopped.
  void cancel(const std::string& releaseKey, const std::string& stage) const { source_->cancel(releaseKey, stage); }

 private:
  // The network half of a look (credentials, the canary's and, when the judge compares, the baseline's
  // values), owning copies of what it uses; provider errors come back with credentials removed.
  FetchWork fetchWork(const api::ModelRelease& release, const Versions& versions, const api::Gate& gate,
                      bool needsBaseline, const api::GateStatus& status, TimePoint now) const;
  // The judging half, on the pass's thread: sequential judges keep their state in status.sequential.
  static Judgement judgeValues(const FetchedValues& values, const Judge& judge, api::GateStatus& status);

  const ProviderRegistry& providers_;
  const Clock& clock_;
  SecretResolver secrets_;
  mutable InlineMeasurements inline_;
  MeasurementSource* source_;
};

}  // namespace aviary::analysis
