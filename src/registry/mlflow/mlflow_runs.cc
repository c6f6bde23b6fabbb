#include "registry/mlflow/mlflow_runs.h"

#include <nlohmann/json.hpp>

#include "aviary/common/http_fetch.h"
#include "registry/mlflow/mlflow_response.h"

namespace aviary::registry {

namespace {

using Json = nlohmann::json;

Json keyValues(const std::map<std::string, std::string>& items) {
  Json out = Json::array();
  for (const auto& [key, value] : items) out.push_back({{"key", key}, {"value", value}});
  return out;
}

// A run's artifact URI as the proxy's path: mlflow-artifacts:/1/<run>/artifacts → 1/<run>/artifacts.
Result<std::string> proxyPath(const RunInfo& run, const std::string& path) {
  const std::string scheme = "mlflow-artifacts:";
  if (run.artifactUri.rfind(scheme, 0) != 0) {
    return makeError(ErrorCode::InvalidSpec, "run " + run.runId + " stores artifacts at " + run.artifactUri +
                                                 ", not behind the tracking server (start MLflow with --serve-artifacts)");
  }
  std::string rest = run.artifactUri.substr(scheme.size());
  if (rest.rfind("//", 0) == 0) rest = rest.substr(rest.find('/', 2));  // mlflow-artifacts://host:port/path
  while (!rest.empty() && rest.front() == '/') rest.erase(rest.begin());
  return "/api/2.0/mlflow-artifacts/artifacts/" + rest + "/" + path;
}

// A value inside a search filter's single quotes.
std::string quoted(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

}  // namespace

Result<std::optional<std::string>> MlflowRuns::findExperiment(const std::string& name) {
  auto found = client_.call("GET", "experiments/get-by-name?experiment_name=" + urlEncode(name), "");
  if (!found.ok()) {
    if (found.error().code == ErrorCode::NotFound) return std::optional<std::string>{};
    return found.error();
  }
  auto id = parseExperimentId(*found, "experiments/get-by-name");
  if (!id.ok()) return id.error();
  return std::optional<std::string>{*id};
}

Result<std::string> MlflowRuns::ensureExperiment(const std::string& name) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto found = findExperiment(name);
    if (!found.ok()) return found.error();
    if (*found) return **found;
    auto created = client_.call("POST", "experiments/create", Json{{"name", name}}.dump());
    if (created.ok()) return parseExperimentId(*created, "experiments/create");
    if (created.error().code != ErrorCode::Conflict) return created.error();  // created meanwhile: read it again
  }
  return makeError(ErrorCode::Conflict, "experiment " + name + " could be neither read nor created");
}

Result<std::optional<RunInfo>> MlflowRuns::findRun(const std::string& experimentId,
                                                   const std::map<std::string, std::string>& tags) {
  std::string filter;
  for (const auto& [key, value] : tags) filter += (filter.empty() ? "" : " and ") + ("tags.`" + key + "` = " + quoted(value));
  Json body{{"experiment_ids", {experimentId}}, {"filter", filter}, {"max_results", 1},
            {"order_by", {"attributes.start_time DESC"}}, {"run_view_type", "ALL"}};
  auto found = client_.call("POST", "runs/search", body.dump());
  if (!found.ok()) return found.error();
  return parseRunSearch(*found);
}

Result<RunInfo> MlflowRuns::createRun(const std::string& experimentId, const std::string& runName, int64_t startTimeMs,
                                      const std::map<std::string, std::string>& tags) {
  Json body{{"experiment_id", experimentId}, {"run_name", runName}, {"start_time", startTimeMs}, {"tags", keyValues(tags)}};
  auto created = client_.call("POST", "runs/create", body.dump());
  if (!created.ok()) return created.error();
  return parseRun(*created, "runs/create");
}

Result<RunInfo> MlflowRuns::getRun(const std::string& runId) {
  auto got = client_.call("GET", "runs/get?run_id=" + urlEncode(runId), "");
  if (!got.ok()) return got.error();
  return parseRun(*got, "runs/get");
}

Status MlflowRuns::logBatch(const std::string& runId, const std::vector<MetricPoint>& metrics,
                            const std::map<std::string, std::string>& params,
                            const std::map<std::string, std::string>& tags) {
  Json m = Json::array();
  for (const auto& p : metrics) m.push_back({{"key", p.key}, {"value", p.value}, {"timestamp", p.timestampMs}, {"step", p.step}});
  Json body{{"run_id", runId}, {"metrics", m}, {"params", keyValues(params)}, {"tags", keyValues(tags)}};
  auto logged = client_.call("POST", "runs/log-batch", body.dump());
  if (!logged.ok()) return logged.error();
  return okStatus();
}

Result<std::vector<MetricPoint>> MlflowRuns::metricHistory(const std::string& runId, const std::string& key) {
  auto got = client_.call("GET", "metrics/get-history?run_id=" + urlEncode(runId) + "&metric_key=" + urlEncode(key) +
                                    "&max_results=25000", "");
  if (!got.ok()) return got.error();
  return parseMetricHistory(*got, key);
}

Status MlflowRuns::endRun(const std::string& runId, const std::string& status, int64_t endTimeMs) {
  Json body{{"run_id", runId}, {"status", status}, {"end_time", endTimeMs}};
  auto updated = client_.call("POST", "runs/update", body.dump());
  if (!updated.ok()) return updated.error();
  return okStatus();
}

Status MlflowRuns::uploadArtifact(const RunInfo& run, const std::string& path, const std::string& content) {
  auto target = proxyPath(run, path);
  if (!target.ok()) return target.error();
  auto put = client_.raw("PUT", *target, content, "application/octet-stream");
  if (!put.ok()) return put.error();
  return okStatus();
}

Result<std::string> MlflowRuns::downloadArtifact(const RunInfo& run, const std::string& path) {
  auto target = proxyPath(run, path);
  if (!target.ok()) return target.error();
  return client_.raw("GET", *target, "", "");
}

std::string MlflowRuns::runUrl(const std::string& experimentId, const std::string& runId) const {
  return client_.baseUrl() + "/#/experiments/" + experimentId + "/runs/" + runId;
}

}  // namespace aviary::registry
