#include "aviary/runtime/controller.h"

#include <exception>

namespace aviary::runtime {

Controller::Controller(WorkQueue& queue, Reconciler& reconciler, Logger& logger, ControllerOptions options)
    : queue_(queue), reconciler_(reconciler), logger_(logger), options_(std::move(options)) {}

Controller::~Controller() { shutDown(); }

void Controller::start() {
  for (int i = 0; i < options_.workers; ++i) {
    workers_.emplace_back([this] {
      while (processNextItem()) {
      }
    });
  }
  for (int i = 0; i < options_.firstWorkers; ++i) {
    workers_.emplace_back([this] {
      while (processNextFirstItem()) {
      }
    });
  }
  logger_.info("controller started",
               {{"controller", options_.name}, {"workers", options_.workers}, {"firstWorkers", options_.firstWorkers}});
}

void Controller::shutDown() {
  queue_.shutDownWithDrain();
  for (auto& worker : workers_) {
    if (worker.joinable()) worker.join();
  }
  workers_.clear();
}

bool Controller::processNextItem() { return process(queue_.get()); }

bool Controller::processNextFirstItem() { return process(queue_.getFirst()); }

bool Controller::process(const std::optional<std::string>& key) {
  if (!key) return false;
  Result<ReconcileOutcome> outcome = makeError(ErrorCode::Internal, "not reconciled");
  try {
    outcome = reconciler_.reconcile(*key);
  } catch (const std::exception& e) {
    // A reconciler must return errors, not throw; one that does is a bug, but one release's bug
    // must not take the worker (and every other release) down with it.
    outcome = makeError(ErrorCode::Internal, std::string("reconcile threw: ") + e.what());
  }
  ++reconciles_;
  if (!outcome) {
    ++failures_;
    logger_.error("reconcile failed", {{"controller", options_.name}, {"key", *key},
                                       {"error", outcome.error().describe()},
                                       {"retries", queue_.numRequeues(*key)}});
    queue_.addRateLimited(*key);
  } else {
    queue_.forget(*key);
    if (outcome->requeueAfter) queue_.addAfter(*key, *outcome->requeueAfter);
  }
  queue_.done(*key);
  return true;
}

}  // namespace aviary::runtime
