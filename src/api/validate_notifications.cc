#include <map>

#include "api/field_path.h"
#include "api/validate_parts.h"

namespace aviary::api::detail {

namespace {

void validateNotification(const std::string& path, const NotificationSpec& notification, Findings& findings) {
  findings.dnsLabel(path + ".name", notification.name);
  findings.exactlyOne(path, {{"url", notification.url.has_value()}, {"urlSecretRef", notification.urlSecretRef.has_value()}});
  if (notification.url) findings.httpUrl(path + ".url", *notification.url);
  if (notification.urlSecretRef) {
    findings.dnsSubdomain(path + ".urlSecretRef.name", notification.urlSecretRef->name);
    findings.nonEmpty(path + ".urlSecretRef.key", notification.urlSecretRef->key);
  }
}

}  // namespace

void validateNotifications(const std::vector<NotificationSpec>& notifications, Findings& findings) {
  std::map<std::string, size_t> seen;  // name → first index
  for (size_t i = 0; i < notifications.size(); ++i) {
    const std::string path = indexPath("spec.notifications", i);
    validateNotification(path, notifications[i], findings);
    auto [first, inserted] = seen.emplace(notifications[i].name, i);
    if (!inserted && !notifications[i].name.empty()) {
      findings.add(path + ".name", "duplicate notification name \"" + notifications[i].name + "\" (also " +
                                       indexPath("spec.notifications", first->second) + ")");
    }
  }
}

}  // namespace aviary::api::detail
