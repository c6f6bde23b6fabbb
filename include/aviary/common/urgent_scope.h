#pragma once
// Work the calling thread does ahead of queues that would otherwise make it wait its turn: while an
// UrgentScope lives, the Kubernetes client sends this thread's requests ahead of its rate-limit queue
// (k8s/token_bucket.h). The reconciler opens one around a rollback's traffic-moving writes, which
// must not wait behind the status writes and Events of hundreds of other releases. Per thread;
// work handed to another thread carries it over explicitly (workload::writeAtOnce).

namespace aviary {

class UrgentScope {
 public:
  explicit UrgentScope(bool urgent = true);
  ~UrgentScope();
  UrgentScope(const UrgentScope&) = delete;
  UrgentScope& operator=(const UrgentScope&) = delete;

  // Whether the calling thread is inside an urgent scope.
  static bool active();

 private:
  bool previous_;
};

}  // namespace aviary
