#pragma once
// Names of the objects aviary owns for a release. Everyone who refers to them (planner, routers, the
// act layer, tests) calls these so the names cannot drift apart. Pure functions, thread-safe.

#include <string>

namespace aviary::workload {

// A DNS-1123 label (≤ 63 chars, [a-z0-9-], alphanumeric at both ends) made from raw. When the text had
// to be changed (case, characters) or cut to fit, an 8-hex-digit hash of raw is appended, so two raw
// names that sanitise alike ("1.2" vs "1-2") still get different labels.
std::string dnsLabel(const std::string& raw);

// A label value (≤ 63 chars, [A-Za-z0-9._-], alphanumeric at both ends, or empty) made from raw, with
// the same hash rule as dnsLabel. Release names and usual model versions ("7") come back unchanged.
std::string labelValue(const std::string& raw);

// "<release>-<version>", as a DNS-1123 label.
std::string deploymentName(const std::string& release, const std::string& version);
// "<release>-stable" / "<release>-canary": each selects one version of the release.
std::string stableServiceName(const std::string& release);
std::string canaryServiceName(const std::string& release);
// "<release>": the entry point clients call (see buildServices for what it selects).
std::string rootServiceName(const std::string& release);

}  // namespace aviary::workload
