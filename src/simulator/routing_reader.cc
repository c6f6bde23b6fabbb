// Fetching the routing objects through the project's Kubernetes client. Per read: one list each of
// ModelReleases, Deployments and Services (the latter two by the aviary.dev/release label, all
// namespaces), plus one GET per route object a release names.

#include <map>
#include <string>

#include "aviary/api/model_release.h"
#include "aviary/simulator/routing_state.h"
#include "aviary/workload/names.h"

namespace aviary::simulator {
namespace {

using Grouped = std::map<std::string, std::vector<Json>>;  // "<namespace>/<release label>" → objects

std::string releaseKey(const std::string& ns, const std::string& releaseLabel) { return ns + "/" + releaseLabel; }

Result<Grouped> listByRelease(k8s::Client& client, const k8s::ResourceType& type) {
  k8s::ListOptions options;
  options.labelSelector = api::kReleaseLabel;
  auto list = k8s::listAll(client, type, "", options);
  if (!list) return list.error();
  Grouped grouped;
  for (Json& item : list->items) {
    const Json& meta = item["metadata"];
    std::string label = meta.value("labels", Json::object()).value(api::kReleaseLabel, "");
    grouped[releaseKey(meta.value("namespace", ""), label)].push_back(std::move(item));
  }
  return grouped;
}

std::vector<Json> take(Grouped& grouped, const std::string& key) {
  auto it = grouped.find(key);
  return it == grouped.end() ? std::vector<Json>{} : std::move(it->second);
}

}  // namespace

Result<RoutingState> RoutingReader::read() {
  auto releases = k8s::listAll(client_, k8s::resources::kModelReleases, "", {});
  if (!releases) return releases.error();
  auto deployments = listByRelease(client_, k8s::resources::kDeployments);
  if (!deployments) return deployments.error();
  auto services = listByRelease(client_, k8s::resources::kServices);
  if (!services) return services.error();

  RoutingState state;
  for (Json& release : releases->items) {
    const std::string ns = release["metadata"].value("namespace", "");
    const std::string key = releaseKey(ns, workload::labelValue(release["metadata"].value("name", "")));
    ReleaseObjects objects;
    if (std::optional<RouteRef> ref = routeRefOf(release)) {
      const auto& type = *ref->type;
      auto route = client_.get(type, ns, ref->name);
      if (route) {
        objects.route = std::move(*route);
      } else if (route.error().code != ErrorCode::NotFound) {
        return route.error();
      }
    }
    for (Json& service : take(*services, key)) {
      std::string name = service["metadata"].value("name", "");
      objects.services.emplace(std::move(name), std::move(service));
    }
    objects.deployments = take(*deployments, key);
    objects.release = std::move(release);
    state.push_back(resolveRouting(objects));
  }
  return state;
}

}  // namespace aviary::simulator
