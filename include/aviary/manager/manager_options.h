#pragma once
// What the operator's manager runs with (docs/runtime.md has the flags that set each field): where it
// watches, how many workers reconcile, leader election, the endpoints it serves and the operator-wide
// notification webhook. The CLI parses `aviary operator`'s flags into it (src/cli/operator_flags.*).

#include <string>

#include "aviary/api/model_release.h"
#include "aviary/common/clock.h"

namespace aviary::manager {

struct ManagerOptions {
  std::string namespace_;  // "" = all
  int workers = 2;
  // Gate measurements (Prometheus, webhook, command calls) run on a pool of their own so a reconcile
  // pass never waits on them (controller/measurement_pool.h).
  int measurementWorkers = 4;
  // Workers beside `workers` that take only releases put first in the queue (a gate's look came in
  // failing, or the cache caught up with our write): a failed gate is acted on without waiting for a
  // busy worker. Failing looks come in bursts (rollouts started together fail together: up to 13 within
  // 100 ms in bench/ at N = 1,000), so several take them side by side (docs/benchmarks.md has N = 10,000
  // with one and with six). 0: the ordinary workers take these releases first.
  int wokenWorkers = 6;
  bool leaderElect = false;
  bool commandGates = false;  // --enable-command-gates (analysis_runner.h ProviderOptions)
  std::string leaderElectionNamespace;
  std::string leaderElectionId = "aviary-operator";
  Duration leaseDuration = std::chrono::seconds(15);
  Duration renewDeadline = std::chrono::seconds(10);
  Duration retryPeriod = std::chrono::seconds(2);
  std::string healthAddr = "127.0.0.1:8080";
  std::string apiAddr;     // "" = the release API (docs/http-api.md) is off
  std::string apiTlsCert;  // with apiTlsKey: the release API speaks HTTPS
  std::string apiTlsKey;
  std::string notifyUrl;  // "" = no operator-wide webhook (docs/notifications.md)
  api::NotificationFormat notifyFormat = api::NotificationFormat::Generic;
  bool dashboard = false;  // the release dashboard on the --api-addr listener (docs/dashboard.md)
};

}  // namespace aviary::manager
