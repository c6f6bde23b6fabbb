#pragma once
// Shared by the api tests: a valid ModelRelease that uses every feature, and JSON-pointer edits so
// each table row states only what it changes.

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "aviary/api/decode.h"
#include "aviary/api/validate.h"

namespace aviary::api::testing {

using Json = nlohmann::json;

inline constexpr const char* kFullRelease = R"(
apiVersion: aviary.dev/v1alpha1
kind: ModelRelease
metadata: {name: fraud-scorer, namespace: ml, labels: {team: risk}}
spec:
  model: {name: fraud-scorer, version: "7"}
  registry: {mlflow: {url: "http://mlflow:5000", credentialsSecret: mlflow-auth}, required: true}
  replicas: 4
  template:
    metadata: {labels: {app: fraud}}
    spec: {containers: [{name: server, image: "registry.example/model-server:1.0"}]}
  service: {port: 8080, targetPort: 9090}
  strategy:
    canary:
      trafficRouting: {gatewayAPI: {httpRoute: fraud-scorer}}
      steps:
        - setWeight: 10
        - pause: {duration: 2m}
        - analysis: {gates: [error-rate, latency]}
        - setWeight: 50
        - approval: {groups: [release-managers], users: [alice]}
        - setWeight: 100
      backgroundAnalysis: {gates: [errors-by-hook]}
      scaleDownDelay: 1m
  analysis:
    interval: 30s
    passScore: 90
    marginalScore: 75
    gates:
      - name: error-rate
        prometheus: {address: "http://prometheus:9090", query: 'rate(errors{version="{{version}}"}[1m])', timeout: 3s}
        threshold: {max: 0.01}
      - name: latency
        prometheus:
          address: "http://prometheus:9090"
          query: 'latency{version="{{version}}"}'
          range: 5m
          step: 15s
          bearerTokenSecret: {name: prom-token, key: token}
        compare: {test: mann-whitney, direction: increase, confidence: 0.98, allowedIncrease: 1.1, minSamples: 10}
        interval: 1m
        initialDelay: 30s
        count: 5
        failureLimit: 1
        inconclusiveLimit: 2
        consecutiveErrorLimit: 3
        critical: true
      - name: errors-by-hook
        webhook:
          url: "https://metrics.example/errors"
          method: POST
          body: "{}"
          jsonPath: "$.value"
          bearerTokenSecret: {name: hook-token, key: token}
        threshold: {min: 0, max: 5}
      - name: scripted
        command: {command: [/bin/check, "{{version}}"], timeout: 20s}
        threshold: {min: 1}
  rollback: {automatic: false}
  progressDeadlineSeconds: 300
  notifications:
    - {name: team-slack, format: slack, urlSecretRef: {name: slack-webhook, key: url}}
    - {name: audit, url: "https://audit.example/hooks/releases"}
)";

inline Json parseOne(const std::string& text) {
  FieldErrors errors;
  auto documents = parseDocuments(text, errors);
  EXPECT_TRUE(documents.ok()) << (errors.empty() ? "" : errors[0].describe());
  EXPECT_EQ(documents->size(), 1u);
  return documents->at(0).object;
}

inline Json fullRelease() { return parseOne(kFullRelease); }

// One change to a JSON object: set (add or replace) a value at a JSON pointer, or remove it.
struct Edit {
  std::string pointer;
  Json value;
  bool remove = false;
};
inline Edit set(std::string pointer, Json value) { return {std::move(pointer), std::move(value)}; }
inline Edit remove(std::string pointer) { return {std::move(pointer), nullptr, true}; }

inline Json edited(Json object, const std::vector<Edit>& edits) {
  for (const auto& edit : edits) {
    const Json::json_pointer pointer(edit.pointer);
    if (edit.remove) {
      object[pointer.parent_pointer()].erase(pointer.back());
    } else {
      object[pointer] = edit.value;
    }
  }
  return object;
}

inline std::string describeAll(const FieldErrors& errors) {
  std::string out;
  for (const auto& error : errors) out += "\n  " + error.describe();
  return out;
}

inline std::string sourceDir() {
  const char* dir = std::getenv("AVIARY_SOURCE_DIR");
  return dir ? dir : AVIARY_DEFAULT_SOURCE_DIR;
}

inline std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace aviary::api::testing
