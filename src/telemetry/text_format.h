#pragma once
// The lexical rules of the Prometheus text exposition format 0.0.4: names, escaping, numbers, one
// sample line. Kept apart from the registry so the rules are tested on their own.

#include <string>
#include <string_view>
#include <vector>

namespace aviary::telemetry::text {

// [a-zA-Z_:][a-zA-Z0-9_:]*
bool isValidMetricName(std::string_view name);
// [a-zA-Z_][a-zA-Z0-9_]*, not starting with "__" (reserved for Prometheus itself).
bool isValidLabelName(std::string_view name);

// # HELP text: backslash and newline escaped.
void appendEscapedHelp(std::string& out, std::string_view help);
// Label values: backslash, double quote and newline escaped; invalid UTF-8 bytes become U+FFFD so
// a bad value never makes the whole scrape unparsable.
void appendEscapedLabelValue(std::string& out, std::string_view value);
// +Inf, -Inf, NaN, or the shortest decimal that reads back as the same double, spelled as Go's
// strconv.FormatFloat(v, 'g', -1, 64) spells it (what Prometheus's client libraries write).
void appendNumber(std::string& out, double value);
std::string formatNumber(double value);

// `name{a="x",b="y",extraName="extraValue"} value\n`; braces omitted when there are no labels.
// extraName may be empty (no extra label); it carries a histogram's `le`.
void appendSample(std::string& out, std::string_view name, const std::vector<std::string>& labelNames,
                  const std::vector<std::string>& labelValues, std::string_view extraName,
                  std::string_view extraValue, double value);

}  // namespace aviary::telemetry::text
