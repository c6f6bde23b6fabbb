#include <chrono>

#include "aviary/notify/payload.h"

namespace aviary::notify {

namespace {

// Slack reads &, < and > in text as markup (links, mentions): they are sent as entities.
std::string escapeSlackText(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out += c;
    }
  }
  return out;
}

const char* emojiFor(api::Phase phase) {
  switch (phase) {
    case api::Phase::Promoted: return ":white_check_mark:";
    case api::Phase::RollingBack: return ":rewind:";
    case api::Phase::RolledBack: return ":x:";
    case api::Phase::AwaitingApproval: return ":raised_hand:";
    case api::Phase::Paused: return ":double_vertical_bar:";
    case api::Phase::Invalid: return ":warning:";
    default: return ":arrows_counterclockwise:";
  }
}

// Slack's attachment colours: green for done, red for trouble, grey for steps along the way.
const char* colorFor(const ReleaseNotification& n) {
  if (n.severity() == Severity::Warning) return "danger";
  if (n.phase == api::Phase::Promoted) return "good";
  return "#439FE0";
}

nlohmann::ordered_json field(const char* title, const std::string& value) {
  return {{"title", title}, {"value", escapeSlackText(value.empty() ? "-" : value)}, {"short", true}};
}

}  // namespace

nlohmann::ordered_json slackPayload(const ReleaseNotification& n) {
  const std::string name = n.namespace_ + "/" + n.release;
  nlohmann::ordered_json attachment;
  attachment["color"] = colorFor(n);
  attachment["fallback"] = name + ": " + n.summary();  // plain text: no entities
  if (!n.message.empty()) attachment["text"] = escapeSlackText(n.message);
  attachment["fields"] = nlohmann::ordered_json::array({
      field("Phase", std::string(api::phaseName(n.previousPhase)) + " → " + api::phaseName(n.phase)),
      field("Model", n.model),
      field("Stable", n.stableVersion),
      field("Canary", n.canaryVersion.empty() ? "" : n.canaryVersion + " (" + std::to_string(n.weight) + "%)"),
  });
  attachment["footer"] = "aviary";
  attachment["ts"] = std::chrono::duration_cast<std::chrono::seconds>(n.time.time_since_epoch()).count();

  nlohmann::ordered_json body;
  body["text"] = std::string(emojiFor(n.phase)) + " *" + escapeSlackText(name) + "*: " + escapeSlackText(n.summary());
  body["attachments"] = nlohmann::ordered_json::array({attachment});
  return body;
}

}  // namespace aviary::notify
