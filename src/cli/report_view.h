#pragma once
// `aviary report`: a rollout's decision record (decision-record.json, docs/audit.md) rendered for a
// terminal (text), a change ticket (markdown) or a program (json). Pure: the command fetches.

#include <string>

#include <nlohmann/json.hpp>

namespace aviary::cli {

enum class ReportFormat { Text, Json, Markdown };

// Where the record came from and what is known about it beyond its own fields.
struct ReportSource {
  std::string origin;     // "mlflow" (the run's artifact) or "status" (the operator's copy)
  std::string runUrl;     // empty when no run exists
  std::string runStatus;  // MLflow's status of the run, when read from MLflow
  bool complete = false;  // the ended rollout's record is whole where it is kept
  std::string incompleteReason;
};

std::string renderReport(const nlohmann::json& record, const ReportSource& source, ReportFormat format);

}  // namespace aviary::cli
