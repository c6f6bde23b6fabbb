#include "api/enum_names.h"

namespace aviary::api {

const char* phaseName(Phase p) { return detail::enumName(p); }
std::optional<Phase> parsePhase(const std::string& s) { return detail::parseEnum<Phase>(s); }
const char* verdictName(Verdict v) { return detail::enumName(v); }
std::optional<Verdict> parseVerdict(const std::string& s) { return detail::parseEnum<Verdict>(s); }
const char* notificationFormatName(NotificationFormat f) { return detail::enumName(f); }
std::optional<NotificationFormat> parseNotificationFormat(const std::string& s) {
  return detail::parseEnum<NotificationFormat>(s);
}

bool isBlueGreen(const ModelReleaseSpec& spec) {
  return spec.strategy.blueGreen.has_value() && !spec.strategy.canary.has_value();
}

}  // namespace aviary::api
