#pragma once
// A k8s::Client whose writes pass only while a predicate holds: the leader's reconcile writes through
// one fenced by LeaderElector::holdsLease(), so a replica that was paused (SIGSTOP, a long GC-like
// stall, a frozen VM) past its lease refuses the writes its workers had in flight when it resumes,
// instead of racing the new leader before its elector notices (docs/guarantees.md, I5).
// Reads and watches pass through. The check is made just before each write; a stall between the
// check and the request itself is the window that remains (leaseDuration - renewDeadline covers it).
// Thread-safe if the inner client and the predicate are.

#include <functional>
#include <string>

#include "aviary/k8s/client.h"

namespace aviary::runtime {

class FencedClient final : public k8s::Client {
 public:
  using Json = k8s::Json;
  // inner must outlive this. mayWrite: true while writes are allowed; why: said in the refusal.
  FencedClient(k8s::Client& inner, std::function<bool()> mayWrite, std::string why);

  Result<Json> get(const k8s::ResourceType& type, const std::string& ns, const std::string& name) override;
  Result<k8s::ObjectList> list(const k8s::ResourceType& type, const std::string& ns, const k8s::ListOptions& options) override;
  Result<Json> create(const k8s::ResourceType& type, const std::string& ns, const Json& object) override;
  Result<Json> update(const k8s::ResourceType& type, const std::string& ns, const Json& object) override;
  Result<Json> patch(const k8s::ResourceType& type, const std::string& ns, const std::string& name,
                     k8s::PatchType patchType, const Json& patch, const std::string& subresource = "") override;
  Result<Json> updateStatus(const k8s::ResourceType& type, const std::string& ns, const Json& object) override;
  Status remove(const k8s::ResourceType& type, const std::string& ns, const std::string& name,
                const k8s::DeleteOptions& options = {}) override;
  Status watch(const k8s::ResourceType& type, const std::string& ns, const k8s::WatchOptions& options,
               const std::function<void(const k8s::WatchEvent&)>& onEvent, const std::atomic<bool>& stop) override;
  Result<Json> review(const k8s::ResourceType& type, const Json& review) override;

 private:
  Status fence() const;
  k8s::Client& inner_;
  std::function<bool()> mayWrite_;
  std::string why_;
};

}  // namespace aviary::runtime
