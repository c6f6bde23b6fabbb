#pragma once
// The JSON the dashboard's pages read (docs/dashboard.md lists the fields), projected from a
// ModelRelease object as the informer holds it. Pure: tests compare it with golden files.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "aviary/common/clock.h"

namespace aviary::dashboard {

// One row of the release list: namespace, name, model, phase, versions, weight, step, each gate's
// latest verdict, creation time (the page shows the age) and message.
nlohmann::json releaseSummary(const nlohmann::json& release);

// Everything the release page shows: the summary, the step pipeline (done / current / to do), the
// routing now and its timeline (`history`: ReleaseHistory::json), each gate with its judge, spec
// (threshold or test), the test's numbers, its measurements (the history's, else status's) and the
// Prometheus query behind it with a link, approvals, past rollouts, conditions, the MLflow link, and
// the actions this user may take. `now` renders {{elapsed}} in the queries.
nlohmann::json releaseDetail(const nlohmann::json& release, const nlohmann::json& history,
                             const std::vector<std::string>& actions, TimePoint now);

// The Prometheus expression browser's URL for `query` on the server at `address`.
std::string prometheusGraphUrl(const std::string& address, const std::string& query);

}  // namespace aviary::dashboard
