#include "aviary/notify/payload.h"

namespace aviary::notify {

std::string payloadBody(api::NotificationFormat format, const ReleaseNotification& n) {
  const auto body = format == api::NotificationFormat::Slack ? slackPayload(n) : genericPayload(n);
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace aviary::notify
