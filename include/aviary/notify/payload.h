#pragma once
// The bodies a webhook receives, one builder per format (documented in docs/notifications.md):
//  - generic: aviary's own JSON document, flat and stable: release, namespace, model, version, phase,
//    previousPhase, stableVersion, canaryVersion, weight, message, summary, severity, time;
//  - slack: a Slack incoming-webhook message ({"text", "attachments"}), also accepted by Mattermost
//    and Rocket.Chat.
// Pure functions.

#include <string>

#include <nlohmann/json.hpp>

#include "aviary/api/model_release.h"
#include "aviary/notify/notification.h"

namespace aviary::notify {

nlohmann::ordered_json genericPayload(const ReleaseNotification& notification);
nlohmann::ordered_json slackPayload(const ReleaseNotification& notification);

// The serialized body for `format`.
std::string payloadBody(api::NotificationFormat format, const ReleaseNotification& notification);

}  // namespace aviary::notify
