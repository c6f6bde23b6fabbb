#include <map>

#include <nlohmann/json.hpp>

#include "api/field_path.h"
#include "api/validate_parts.h"

namespace aviary::api::detail {

namespace {

std::string number(double value) { return nlohmann::json(value).dump(); }

void validateSecretKeyRef(const std::string& path, const SecretKeyRef& ref, Findings& findings) {
  findings.dnsSubdomain(path + ".name", ref.name);
  findings.nonEmpty(path + ".key", ref.key);
}

void validatePrometheus(const std::string& path, const PrometheusProvider& prometheus, bool compare,
                        Findings& findings) {
  findings.httpUrl(path + ".address", prometheus.address);
  findings.nonEmpty(path + ".query", prometheus.query);
  // A compare gate runs the same query once per version; without {{version}} both runs would
  // measure the same series and every comparison would pass.
  auto needsVersion = [&](const std::string& field, const std::string& query) {
    if (compare && !query.empty() && query.find("{{version}}") == std::string::npos) {
      findings.add(path + "." + field, "must contain {{version}}: a compare gate runs it for the canary and for the baseline");
    }
  };
  needsVersion("query", prometheus.query);
  if (prometheus.totalQuery) {
    findings.nonEmpty(path + ".totalQuery", *prometheus.totalQuery);
    needsVersion("totalQuery", *prometheus.totalQuery);
  }
  findings.duration(path + ".range", prometheus.range, true);
  findings.duration(path + ".step", prometheus.step, true);
  if (prometheus.step && !prometheus.range) findings.add(path + ".step", "is only used with range (a range query)");
  if (prometheus.bearerTokenSecret) {
    validateSecretKeyRef(path + ".bearerTokenSecret", *prometheus.bearerTokenSecret, findings);
  }
  if (prometheus.basicAuthSecret) findings.dnsSubdomain(path + ".basicAuthSecret", *prometheus.basicAuthSecret);
  findings.duration(path + ".timeout", prometheus.timeout, true);
}

void validateCommand(const std::string& path, const CommandProvider& command, Findings& findings) {
  if (command.command.empty()) {
    findings.add(path + ".command", "must list the program and its arguments");
  } else {
    findings.nonEmpty(indexPath(path + ".command", 0), command.command[0]);
  }
  findings.duration(path + ".timeout", command.timeout, true);
}

void validateWebhook(const std::string& path, const WebhookProvider& webhook, Findings& findings) {
  findings.httpUrl(path + ".url", webhook.url);
  if (webhook.body && webhook.method != "POST") findings.add(path + ".body", "needs method: POST");
  if (webhook.jsonPath.empty() || webhook.jsonPath[0] != '$') {
    findings.add(path + ".jsonPath", "must start with $, got \"" + webhook.jsonPath + "\"");
  }
  if (webhook.bearerTokenSecret) {
    validateSecretKeyRef(path + ".bearerTokenSecret", *webhook.bearerTokenSecret, findings);
  }
  findings.duration(path + ".timeout", webhook.timeout, true);
}

void validateThreshold(const std::string& path, const Threshold& threshold, Findings& findings) {
  if (!threshold.min && !threshold.max) return findings.add(path, "must set min, max or both");
  if (threshold.min && threshold.max && *threshold.min > *threshold.max) {
    findings.add(path, "min (" + number(*threshold.min) + ") must not be greater than max (" + number(*threshold.max) + ")");
  }
}

// Planned looks (docs/gates.md): only a sequential judge spends its budget over looks, and a plan of
// more than kMaxPlannedLooks would leave each look too little of it to catch anything.
constexpr int32_t kMaxPlannedLooks = 10000;

void validateSpending(const std::string& path, const CompareSpec& compare, Findings& findings) {
  if (compare.spending != Spending::None && !compare.sequential) {
    findings.add(path + ".spending", "applies to sequential: true");
  }
  if (!compare.maxLooks) return;
  if (compare.spending != Spending::FrontLoaded) {
    findings.add(path + ".maxLooks", "only applies to spending: front-loaded");
  } else if (*compare.maxLooks < 1 || *compare.maxLooks > kMaxPlannedLooks) {
    findings.add(path + ".maxLooks", "must be between 1 and " + std::to_string(kMaxPlannedLooks) + ", got " +
                                         std::to_string(*compare.maxLooks));
  }
}

// A gate whose count exceeds its planned looks would keep looking on a spent budget.
void validatePlannedLooks(const std::string& path, const Gate& gate, Findings& findings) {
  if (!gate.compare || gate.compare->spending != Spending::FrontLoaded || !gate.count || !gate.compare->maxLooks) return;
  if (*gate.compare->maxLooks >= 1 && *gate.count > *gate.compare->maxLooks) {
    findings.add(path + ".count", "exceeds compare.maxLooks (" + std::to_string(*gate.compare->maxLooks) +
                                      "): looks after the last planned one could never fail");
  }
}

void validateCompare(const std::string& path, const CompareSpec& compare, Findings& findings) {
  if (!(compare.confidence > 0 && compare.confidence < 1)) {
    findings.add(path + ".confidence", "must be between 0 and 1 (exclusive), got " + number(compare.confidence));
  }
  if (compare.allowedIncrease && *compare.allowedIncrease < 1) {
    findings.add(path + ".allowedIncrease", "is a ratio of at least 1 (1.1 = up to 10% more), got " + number(*compare.allowedIncrease));
  }
  if (compare.allowedDecrease && !(*compare.allowedDecrease > 0 && *compare.allowedDecrease <= 1)) {
    findings.add(path + ".allowedDecrease", "is a ratio in (0, 1] (0.9 = up to 10% less), got " + number(*compare.allowedDecrease));
  }
  if (compare.maxPsi) {
    if (compare.test != CompareTest::Psi) findings.add(path + ".maxPsi", "only applies to test: psi");
    else if (!(*compare.maxPsi > 0)) findings.add(path + ".maxPsi", "must be greater than 0, got " + number(*compare.maxPsi));
  }
  if (compare.minSamples) findings.atLeast(path + ".minSamples", *compare.minSamples, 1);
  if (compare.sequential && compare.test != CompareTest::Proportion && compare.test != CompareTest::Quantile) {
    findings.add(path + ".sequential", "applies to test: proportion or quantile (cumulative counts), not " +
                                           std::string(compare.test == CompareTest::Psi ? "psi" : "mann-whitney"));
  }
  validateSpending(path, compare, findings);
  if (compare.test == CompareTest::Quantile) {
    if (!(compare.quantile > 0 && compare.quantile < 1)) {
      findings.add(path + ".quantile", "must be between 0 and 1 (exclusive), got " + number(compare.quantile));
    }
    if (compare.direction == Direction::Either) {
      findings.add(path + ".direction", "the quantile test watches one direction: increase or decrease");
    }
  }
}

void validateGate(const std::string& path, const Gate& gate, Findings& findings) {
  findings.dnsLabel(path + ".name", gate.name);
  findings.exactlyOne(path, {{"prometheus", gate.prometheus.has_value()},
                             {"command", gate.command.has_value()},
                             {"webhook", gate.webhook.has_value()}});
  findings.exactlyOne(path, {{"threshold", gate.threshold.has_value()}, {"compare", gate.compare.has_value()}});
  if (gate.prometheus) validatePrometheus(path + ".prometheus", *gate.prometheus, gate.compare.has_value(), findings);
  if (gate.command) validateCommand(path + ".command", *gate.command, findings);
  if (gate.webhook) validateWebhook(path + ".webhook", *gate.webhook, findings);
  if (gate.threshold) validateThreshold(path + ".threshold", *gate.threshold, findings);
  if (gate.compare) validateCompare(path + ".compare", *gate.compare, findings);
  findings.duration(path + ".interval", gate.interval, true);
  findings.duration(path + ".initialDelay", gate.initialDelay);
  if (gate.count) findings.atLeast(path + ".count", *gate.count, 1);
  validatePlannedLooks(path, gate, findings);
  findings.atLeast(path + ".failureLimit", gate.failureLimit, 0);
  findings.atLeast(path + ".inconclusiveLimit", gate.inconclusiveLimit, 0);
  findings.atLeast(path + ".consecutiveErrorLimit", gate.consecutiveErrorLimit, 0);
}

void validateScore(const std::string& path, const std::optional<double>& score, Findings& findings) {
  if (score && !(*score >= 0 && *score <= 100)) findings.add(path, "must be between 0 and 100, got " + number(*score));
}

}  // namespace

void validateAnalysis(const AnalysisSpec& analysis, Findings& findings) {
  findings.duration("spec.analysis.interval", analysis.interval, true);
  validateScore("spec.analysis.passScore", analysis.passScore, findings);
  validateScore("spec.analysis.marginalScore", analysis.marginalScore, findings);
  if (analysis.marginalScore && !analysis.passScore) {
    findings.add("spec.analysis.marginalScore", "needs passScore");
  } else if (analysis.marginalScore && *analysis.marginalScore > *analysis.passScore) {
    findings.add("spec.analysis.marginalScore", "must not be greater than passScore (" + number(*analysis.passScore) + ")");
  }
  std::map<std::string, size_t> seen;  // gate name → first index
  for (size_t i = 0; i < analysis.gates.size(); ++i) {
    const std::string path = indexPath("spec.analysis.gates", i);
    validateGate(path, analysis.gates[i], findings);
    auto [first, inserted] = seen.emplace(analysis.gates[i].name, i);
    if (!inserted && !analysis.gates[i].name.empty()) {
      findings.add(path + ".name", "duplicate gate name \"" + analysis.gates[i].name + "\" (also " +
                                        indexPath("spec.analysis.gates", first->second) + ")");
    }
  }
}

}  // namespace aviary::api::detail
