#pragma once
// Metric providers fetch one measurement for one version. They never throw and never judge: a
// failure to fetch is an Error (the gate counts it toward consecutiveErrorLimit; it never promotes),
// an empty answer is NoData.
// Thread-safety: fetch may be called concurrently for different releases.

#include <map>
#include <memory>
#include <string>

#include "aviary/analysis/metric_value.h"
#include "aviary/api/model_release.h"
#include "aviary/common/result.h"

namespace aviary::analysis {

// What a query is about: substituted for {{namespace}} {{release}} {{version}} {{baselineVersion}}
// {{elapsed}} {{stageStart}}.
struct QueryContext {
  std::string namespace_;
  std::string release;
  std::string version;          // the version measured (canary, or the baseline when measuring it)
  std::string baselineVersion;  // the stable version the canary is compared with
  std::string elapsed;          // time since the gate's stage started, as a PromQL range: "95s" (≥ 1s)
  std::string stageStart;       // when it started, in Unix seconds
  std::map<std::string, std::string> secrets;  // resolved credentials (e.g. bearer token), never logged
};

// Replaces {{name}} placeholders (spaces inside the braces allowed). Unknown names are left as they
// are, so a typo shows up in the query the user sees in status.
std::string renderTemplate(const std::string& text, const QueryContext& context);

class MetricProvider {
 public:
  virtual ~MetricProvider() = default;
  virtual Result<MetricValue> fetch(const api::Gate& gate, const QueryContext& context) = 0;
};

using MetricProviderPtr = std::unique_ptr<MetricProvider>;

}  // namespace aviary::analysis
