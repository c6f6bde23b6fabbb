// The dashboard's pure functions (src/dashboard/assets/view.js) under Node's own test runner: no npm
// packages, no browser, no clock (times are arguments).
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");

const V = require(path.join(process.env.AVIARY_DASHBOARD_ASSETS || path.join(__dirname, "../../../../src/dashboard/assets"), "view.js"));

const NOW = Date.parse("2026-03-01T12:00:00Z");

test("age rounds to the largest unit that fits and never goes negative", () => {
  assert.equal(V.age("2026-03-01T11:59:18Z", NOW), "42s");
  assert.equal(V.age("2026-03-01T11:58:01Z", NOW), "119s");
  assert.equal(V.age("2026-03-01T11:55:00Z", NOW), "5m");
  assert.equal(V.age("2026-03-01T09:00:00Z", NOW), "3h");
  assert.equal(V.age("2026-02-27T12:00:00Z", NOW), "2d");
  assert.equal(V.age("2026-03-01T12:00:30Z", NOW), "0s", "a clock skewed ahead is no negative age");
  assert.equal(V.age("", NOW), "–");
  assert.equal(V.age(undefined, NOW), "–");
});

test("when shows RFC 3339 as date and time", () => {
  assert.equal(V.when("2026-03-01T10:00:05Z"), "2026-03-01 10:00:05");
  assert.equal(V.when(""), "–");
});

const RELEASES = [
  { namespace: "ml", name: "fraud", model: "Fraud-Scorer", phase: "Progressing", canaryVersion: "8", weight: 20, step: 0, steps: 4 },
  { namespace: "ml", name: "churn", model: "churn", phase: "Promoted", canaryVersion: "", weight: 0, step: 4, steps: 4 },
  { namespace: "ops", name: "fraud", model: "fraud-scorer", phase: "RolledBack", canaryVersion: "", weight: 0, step: 1, steps: 3 },
];

test("filterReleases: namespace and phase exact, model a case-blind substring, empty means all", () => {
  const names = (rows) => rows.map((r) => `${r.namespace}/${r.name}`);
  assert.deepEqual(names(V.filterReleases(RELEASES, {})), ["ml/fraud", "ml/churn", "ops/fraud"]);
  assert.deepEqual(names(V.filterReleases(RELEASES, { namespace: "ml" })), ["ml/fraud", "ml/churn"]);
  assert.deepEqual(names(V.filterReleases(RELEASES, { phase: "RolledBack" })), ["ops/fraud"]);
  assert.deepEqual(names(V.filterReleases(RELEASES, { model: "  FRAUD " })), ["ml/fraud", "ops/fraud"]);
  assert.deepEqual(names(V.filterReleases(RELEASES, { namespace: "ml", model: "scorer" })), ["ml/fraud"]);
  assert.deepEqual(V.filterReleases(RELEASES, { namespace: "nope" }), []);
});

test("phasesOf lists each phase once, sorted", () => {
  assert.deepEqual(V.phasesOf(RELEASES.concat([{ phase: "Promoted" }])), ["Progressing", "Promoted", "RolledBack"].sort());
});

test("weight and step show only while a canary rolls out, the step capped at the count", () => {
  assert.equal(V.weightText(RELEASES[0]), "20%");
  assert.equal(V.stepText(RELEASES[0]), "1/4");
  assert.equal(V.stepText({ canaryVersion: "8", step: 9, steps: 4 }), "4/4");
  assert.equal(V.weightText(RELEASES[1]), "–");
  assert.equal(V.stepText(RELEASES[1]), "–");
  assert.equal(V.stepText({ canaryVersion: "8", step: 0, steps: 0 }), "–", "blue-green has no steps");
});

test("routeOf reads the hash: a session token, a release, or the list", () => {
  assert.deepEqual(V.routeOf("#token=ab%2Fcd"), { token: "ab/cd" });
  assert.deepEqual(V.routeOf("#/releases/ml/fraud-scorer"), { kind: "detail", ns: "ml", name: "fraud-scorer" });
  assert.deepEqual(V.routeOf(V.releaseHash("team a", "x/y")), { kind: "detail", ns: "team a", name: "x/y" });
  for (const hash of ["", "#/", "#/login", "#/releases/ml", "#/releases/ml/a/b"]) assert.deepEqual(V.routeOf(hash), { kind: "list" }, hash);
});

test("routingText names the weight, the mirror and header routes when there are any", () => {
  assert.equal(V.routingText({ weight: 20, mirror: 0, headerRoutes: [] }), "now: canary 20%");
  assert.equal(V.routingText({ weight: 0, mirror: 10, headerRoutes: [{ name: "beta" }, { name: "qa" }] }),
               "now: canary 0%, mirror 10% of stable, header routes: beta, qa");
});

test("trafficSeries: weight always, mirror only when it was ever on", () => {
  const traffic = [{ time: "2026-03-01T10:00:00Z", weight: 0, mirror: 0 }, { time: "2026-03-01T10:01:00Z", weight: 20, mirror: 0 }];
  const one = V.trafficSeries(traffic);
  assert.equal(one.length, 1);
  assert.deepEqual(one[0].points, [{ t: Date.parse("2026-03-01T10:00:00Z"), v: 0 }, { t: Date.parse("2026-03-01T10:01:00Z"), v: 20 }]);
  assert.equal(one[0].step, true);
  const two = V.trafficSeries(traffic.concat([{ time: "2026-03-01T10:02:00Z", weight: 20, mirror: 5 }]));
  assert.deepEqual(two.map((s) => s.name), ["canary weight %", "mirror %"]);
  assert.deepEqual(V.trafficSeries([]).map((s) => s.points.length), [0]);
});

test("gateChart: value points carry their verdicts, baseline only for compared gates, threshold lines", () => {
  const gate = {
    threshold: { max: 0.01 },
    measurements: [
      { time: "2026-03-01T10:00:00Z", value: 0.004, verdict: "Pass", detail: "0.004 <= max 0.01" },
      { time: "2026-03-01T10:00:30Z", verdict: "Error", detail: "query failed" },  // no value: not drawn
      { time: "2026-03-01T10:01:00Z", value: 0.052, verdict: "Fail", detail: "0.052 > max 0.01" },
    ],
  };
  const { series, lines } = V.gateChart(gate);
  assert.equal(series.length, 1);
  assert.deepEqual(series[0].points.map((p) => [p.v, p.verdict]), [[0.004, "Pass"], [0.052, "Fail"]]);
  assert.deepEqual(lines, [{ v: 0.01, label: "max 0.01" }]);
  const compared = V.gateChart({ compare: {}, measurements: [{ time: "2026-03-01T10:00:00Z", value: 41, baseline: 40, verdict: "Pass" }] });
  assert.deepEqual(compared.series.map((s) => s.name), ["value", "baseline"]);
  assert.deepEqual(compared.lines, []);
  assert.deepEqual(V.gateChart({ threshold: { min: 0, max: 2 }, measurements: [] }).lines.map((l) => l.label), ["max 2", "min 0"]);
});

test("gate texts: threshold bounds, compare defaults, counts", () => {
  assert.equal(V.thresholdText({ max: 0.01 }), "threshold: max 0.01");
  assert.equal(V.thresholdText({ min: 0, max: 5 }), "threshold: min 0 max 5");
  assert.equal(V.compareText({}), "test: mann-whitney  confidence 0.95");
  assert.equal(V.compareText({ test: "proportion", direction: "increase", confidence: 0.99 }), "test: proportion increase confidence 0.99");
  assert.equal(V.countsText({ successes: 3, failures: 1, inconclusives: 0, errors: 2 }), "pass 3 · fail 1 · inconclusive 0 · error 2");
});

test("table rows: approvals number steps from 1 and say why one was ignored", () => {
  assert.deepEqual(V.approvalRow({ time: "2026-03-01T10:00:00Z", approvedBy: "alice", decision: "approve", step: 2, comment: "ok", accepted: true }),
                   ["2026-03-01 10:00:00", "alice", "approve", "3", "ok", "yes"]);
  assert.deepEqual(V.approvalRow({ approvedBy: "bob", decision: "reject", accepted: false, message: "not in group" }),
                   ["–", "bob", "reject", "0", "", "no: not in group"]);
  assert.deepEqual(V.historyRow({ time: "2026-03-01T10:00:00Z", version: "8", outcome: "Promoted" }), ["2026-03-01 10:00:00", "8", "Promoted", ""]);
  assert.deepEqual(V.conditionRow({ type: "Ready", status: "True" }), ["Ready", "True", "", ""]);
});

test("actions: the POST's URL escapes names, results say accepted or why refused", () => {
  assert.equal(V.actionUrl("ml", "fraud", "promote"), "/api/v1/namespaces/ml/modelreleases/fraud/promote");
  assert.equal(V.actionUrl("a b", "x/y", "abort"), "/api/v1/namespaces/a%20b/modelreleases/x%2Fy/abort");
  assert.equal(V.actionResult("Approve", 202, {}), "Approve: accepted");
  assert.equal(V.actionResult("Abort", 403, { error: "alice may not patch" }), "Abort refused (403): alice may not patch");
  assert.equal(V.actionResult("Abort", 502, null), "Abort refused (502): ");
  assert.equal(V.actionsKey({ namespace: "ml", name: "fraud" }, ["approve", "reject"]), "ml/fraud:approve,reject");
  assert.notEqual(V.actionsKey({ namespace: "ml", name: "fraud" }, ["approve"]), V.actionsKey({ namespace: "ml", name: "fraud" }, []));
});
