#pragma once
// A ModelRelease as a user would write it, for the workload and traffic unit tests.

#include "aviary/api/model_release.h"

namespace aviary::testing {

inline api::ModelRelease fraudScorer(api::TrafficRouting routing = {}) {
  api::ModelRelease release;
  release.metadata.name = "fraud-scorer";
  release.metadata.namespace_ = "ml";
  release.metadata.uid = "release-uid-1";
  release.spec.model = {"fraud-scorer", "7"};
  release.spec.replicas = 4;
  release.spec.service.port = 8080;
  release.spec.template_ = nlohmann::json::parse(R"({
    "metadata": {"labels": {"team": "risk", "aviary.dev/model-version": "user-value"},
                 "annotations": {"prometheus.io/scrape": "true"}},
    "spec": {
      "initContainers": [{"name": "fetch", "image": "fetcher:1"}],
      "containers": [
        {"name": "server", "image": "scorer:1.4",
         "env": [{"name": "LOG_LEVEL", "value": "info"}, {"name": "MODEL_VERSION", "value": "stale"}]},
        {"name": "sidecar", "image": "proxy:2"}
      ],
      "nodeSelector": {"pool": "cpu"}
    }
  })");
  api::CanaryStrategy canary;
  canary.trafficRouting = std::move(routing);
  release.spec.strategy.canary = std::move(canary);
  return release;
}

}  // namespace aviary::testing
