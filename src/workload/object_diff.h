#pragma once
// What the applier has to write to turn a live object into the desired one: pure functions on JSON, so
// the "write only on difference" rules are unit-tested without a server.

#include <optional>

#include <nlohmann/json.hpp>

namespace aviary::workload {

using Json = nlohmann::json;

// The RFC 7386 merge patch that turns from into to (null for keys only from has). Arrays and scalars
// are replaced whole, as merge patch does.
Json createMergePatch(const Json& from, const Json& to);

// The merge patch for a live Deployment, or nullopt when it already matches desired (buildDeployment):
// same spec hash, same replicas, owned by the release, and every field desired's pod template sets
// still in the live one with the same value (a hand edit of the template is drift). The pod template is
// made exactly the desired one (server defaults it removes come back by defaulting), except that
// template annotations other tools add (kubectl rollout restart) are kept. The selector is immutable and never patched.
std::optional<Json> deploymentPatch(const Json& live, const Json& desired);

// The merge patch for a live Service, or nullopt when selector, ports, labels and owner reference
// already match desired. clusterIP and every field aviary does not set are left out.
std::optional<Json> servicePatch(const Json& live, const Json& desired);

}  // namespace aviary::workload
