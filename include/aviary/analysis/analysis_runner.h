#pragma once
// Runs one analysis stage of a release (an analysis step, blue-green pre/post-promotion analysis, or
// background analysis): takes the measurements that are due, judges them, updates status.gates[] and
// combines the gates into the stage's verdict. Called from reconcile; never sleeps: it tells the caller
// when the next measurement is due so the key is requeued for exactly then.
// Thread-safety: run() may be called concurrently for different releases.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "aviary/analysis/gate_assessor.h"
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
};

struct StageResult {
  StageVerdict verdict;
  std::optional<TimePoint> nextDue;  // earliest next measurement of a running gate
  std::vector<TakenMeasurement> taken;
};

// Resolves a gate's credentials (Secret data, see gate_credentials.h) for the query context; an error
// makes the measurement an Error naming the Secret.
using SecretResolver =
    std::function<Result<std::map<std::string, std::string>>(const api::ModelRelease&, const api::Gate&)>;

class AnalysisRunner {
 public:
  explicit AnalysisRunner(const ProviderRegistry& providers, SecretResolver secrets = {});

  // The versions a stage measures: `canary` is the version under test, `baseline` what compare judges
  // hold it against (the stable version; after a blue-green switch, the previous one).
  struct Versions {
    std::string canary;
    std::string baseline;
  };

  // statuses: this stage's entries of status.gates[] (created on first run); gateNames: the stage's
  // gates (validated to exist in spec.analysis.gates).
  StageResult run(const api::ModelRelease& release, const Versions& versions, const std::vector<std::string>& gateNames,
                  bool background, std::vector<api::GateStatus>& statuses, TimePoint now) const;

 private:
  // Sequential judges keep their state in status.sequential.
  Judgement measure(const api::ModelRelease& release, const Versions& versions, const api::Gate& gate,
                    const Judge& judge, api::GateStatus& status, TimePoint now) const;

  const ProviderRegistry& providers_;
  SecretResolver secrets_;
};

}  // namespace aviary::analysis
