// aviary report [-n NS] NAME [--rollout N|--version V] [-o text|json|markdown]: a rollout's decision
// record (docs/audit.md). Read from the MLflow run's decision-record.json when the release names an
// MLflow server and the run has it; otherwise from what status holds. Exit 1 when the record is
// incomplete (the rollout runs, or MLflow does not have all of it yet) or missing.

#include <iostream>

#include "aviary/registry/decision_record.h"
#include "aviary/registry/model_registry.h"
#include "aviary/registry/run_outbox.h"
#include "cli/commands.h"
#include "cli/release_client.h"
#include "cli/report_view.h"

namespace aviary::cli {

namespace {

const ReleaseCommandSpec kReport{
    "report",
    "Show a rollout's decision record: what it was decided with, what the gates saw, who approved, the outcome.",
    {},
    {{"--rollout", "", true}, {"--version", "", true}, {"--output", "-o", true}},
    "[--rollout N|--version V] [-o text|json|markdown]",
    "      --rollout N        the release's Nth rollout (default: the latest)\n"
    "      --version V        the latest rollout of model version V\n"
    "  -o, --output FORMAT    text (default), json or markdown (for a change ticket)\n"};

struct Choice {
  std::optional<int> rollout;
  std::string version;
};

const api::DecisionRecordStatus* pick(const std::vector<api::DecisionRecordStatus>& records, const Choice& choice) {
  for (auto it = records.rbegin(); it != records.rend(); ++it) {
    if (choice.rollout && it->rollout != *choice.rollout) continue;
    if (!choice.version.empty() && it->version != choice.version) continue;
    return &*it;
  }
  return nullptr;
}

registry::ModelRegistryPtr mlflowOf(const api::ModelRelease& release, ReleaseClient& client) {
  const auto& mlflow = release.spec.registry.mlflow;
  if (!mlflow) return nullptr;
  registry::MlflowCredentials credentials;
  if (!mlflow->credentialsSecret.empty()) {
    credentials.username = client.secretValue(mlflow->credentialsSecret, "username").valueOr("");
    credentials.password = client.secretValue(mlflow->credentialsSecret, "password").valueOr("");
  }
  return registry::makeMlflowRegistry(mlflow->url, credentials);
}

// The run of the chosen rollout in MLflow: by the id status holds, else by its tags.
Result<std::optional<registry::RunInfo>> findRun(registry::RunTracker& runs, const api::ModelRelease& release,
                                                 const api::DecisionRecordStatus* record, const Choice& choice) {
  if (record && !record->runId.empty()) {
    auto run = runs.getRun(record->runId);
    if (!run.ok()) return run.error();
    return std::optional<registry::RunInfo>{*run};
  }
  auto experiment = runs.findExperiment(registry::experimentName(release.metadata));
  if (!experiment.ok()) return experiment.error();
  if (!*experiment) return std::optional<registry::RunInfo>{};
  std::map<std::string, std::string> tags{{"aviary.release_uid", release.metadata.uid}};
  if (choice.rollout) tags["aviary.rollout"] = std::to_string(*choice.rollout);
  if (!choice.version.empty()) tags["aviary.version"] = choice.version;
  return runs.findRun(**experiment, tags);
}

}  // namespace

int reportCommand(const Invocation& call) {
  int exitCode = kExitOk;
  auto line = parseOrExplain(call, kReport, exitCode);
  if (!line) return exitCode;
  const std::string output = line->flags.value("--output", "text");
  ReportFormat format = ReportFormat::Text;
  if (output == "json") format = ReportFormat::Json;
  else if (output == "markdown" || output == "md") format = ReportFormat::Markdown;
  else if (output != "text") return fail(call, kReport, "-o must be text, json or markdown, not \"" + output + "\"", kExitUsage);
  Choice choice;
  choice.version = line->flags.value("--version");
  if (line->flags.values.count("--rollout")) {
    try {
      choice.rollout = std::stoi(line->flags.value("--rollout"));
    } catch (const std::exception&) {
      return fail(call, kReport, "--rollout must be a number", kExitUsage);
    }
  }
  if (choice.rollout && !choice.version.empty()) return fail(call, kReport, "give --rollout or --version, not both", kExitUsage);

  auto client = ReleaseClient::connect(line->connection);
  if (!client) return fail(call, kReport, client.error().message);
  auto object = (*client)->get(line->release);
  if (!object) return fail(call, kReport, object.error().message);
  const auto release = decodeRelease(*object);
  const auto* record = pick(release.status.decisionRecords, choice);

  ReportSource source;
  std::optional<Json> document;
  std::string mlflowProblem;
  auto registry = mlflowOf(release, **client);
  if (auto* runs = registry ? registry->runTracker() : nullptr) {
    auto run = findRun(*runs, release, record, choice);
    if (!run.ok()) {
      mlflowProblem = run.error().message;
    } else if (*run) {
      source.runUrl = runs->runUrl((*run)->experimentId, (*run)->runId);
      source.runStatus = (*run)->status;
      auto artifact = runs->downloadArtifact(**run, "decision-record.json");
      Json parsed = artifact.ok() ? Json::parse(*artifact, nullptr, false) : Json();
      if (parsed.is_object()) {
        document = parsed;
        source.origin = "mlflow";
        source.complete = parsed.value("complete", false) && source.runStatus != "RUNNING";
        if (!source.complete) source.incompleteReason = "the run's record is not complete";
      } else {
        mlflowProblem = "the run has no decision-record.json yet";
      }
    } else {
      mlflowProblem = "MLflow has no run for this rollout";
    }
  }
  if (!document) {
    if (!record) {
      std::string what = choice.rollout ? "rollout " + std::to_string(*choice.rollout)
                                        : (!choice.version.empty() ? "version " + choice.version : "any rollout");
      return fail(call, kReport, "no decision record for " + what + (mlflowProblem.empty() ? "" : " (" + mlflowProblem + ")"));
    }
    document = registry::decisionRecordJson(*record, release);
    source.origin = "status";
    if (source.runUrl.empty()) source.runUrl = record->runUrl;
    const bool viaMlflow = release.spec.registry.mlflow.has_value();
    source.complete = registry::recordComplete(*record, viaMlflow);
    if (!source.complete) {
      if (record->outcome.empty()) source.incompleteReason = "the rollout is still running";
      else if (record->droppedPoints > 0) source.incompleteReason = std::to_string(record->droppedPoints) + " readings were dropped";
      else source.incompleteReason = "MLflow does not have all of it yet" + (mlflowProblem.empty() ? "" : " (" + mlflowProblem + ")");
    }
  }
  call.out << renderReport(*document, source, format);
  return source.complete ? kExitOk : kExitFailure;
}

}  // namespace aviary::cli
