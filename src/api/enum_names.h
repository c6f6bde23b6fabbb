#pragma once
// The spelling of every API enum in YAML/JSON, in one table per enum, so decoding, encoding and
// error messages ("must be one of …") cannot drift apart.

#include <optional>
#include <span>
#include <string>

#include "aviary/api/model_release.h"

namespace aviary::api::detail {

template <class E>
struct EnumName {
  E value;
  const char* name;
};

inline constexpr EnumName<CompareTest> kCompareTests[] = {
    {CompareTest::MannWhitney, "mann-whitney"}, {CompareTest::Proportion, "proportion"}, {CompareTest::Psi, "psi"},
    {CompareTest::Quantile, "quantile"}};
inline constexpr EnumName<Direction> kDirections[] = {
    {Direction::Increase, "increase"}, {Direction::Decrease, "decrease"}, {Direction::Either, "either"}};
inline constexpr EnumName<Spending> kSpendings[] = {{Spending::None, "none"},
                                                   {Spending::FrontLoaded, "front-loaded"}};
inline constexpr EnumName<Phase> kPhases[] = {
    {Phase::Pending, "Pending"},         {Phase::Progressing, "Progressing"},
    {Phase::Paused, "Paused"},           {Phase::AwaitingApproval, "AwaitingApproval"},
    {Phase::Promoted, "Promoted"},       {Phase::RollingBack, "RollingBack"},
    {Phase::RolledBack, "RolledBack"},   {Phase::Invalid, "Invalid"}};
inline constexpr EnumName<NotificationFormat> kNotificationFormats[] = {{NotificationFormat::Generic, "generic"},
                                                                       {NotificationFormat::Slack, "slack"}};
inline constexpr EnumName<Verdict> kVerdicts[] = {{Verdict::Pass, "Pass"},
                                                  {Verdict::Fail, "Fail"},
                                                  {Verdict::Inconclusive, "Inconclusive"},
                                                  {Verdict::Error, "Error"},
                                                  {Verdict::NoData, "NoData"}};

// Overloads picked by the enum type, so generic code can find the table for any API enum.
inline std::span<const EnumName<CompareTest>> enumTable(CompareTest) { return kCompareTests; }
inline std::span<const EnumName<Direction>> enumTable(Direction) { return kDirections; }
inline std::span<const EnumName<Spending>> enumTable(Spending) { return kSpendings; }
inline std::span<const EnumName<Phase>> enumTable(Phase) { return kPhases; }
inline std::span<const EnumName<Verdict>> enumTable(Verdict) { return kVerdicts; }
inline std::span<const EnumName<NotificationFormat>> enumTable(NotificationFormat) { return kNotificationFormats; }

template <class E>
const char* enumName(E value) {
  for (const auto& entry : enumTable(value)) {
    if (entry.value == value) return entry.name;
  }
  return "?";
}

template <class E>
std::optional<E> parseEnum(const std::string& text) {
  for (const auto& entry : enumTable(E{})) {
    if (text == entry.name) return entry.value;
  }
  return std::nullopt;
}

// "a, b, c": for messages.
template <class E>
std::string enumChoices() {
  std::string out;
  for (const auto& entry : enumTable(E{})) out += (out.empty() ? "" : ", ") + std::string(entry.name);
  return out;
}

}  // namespace aviary::api::detail
