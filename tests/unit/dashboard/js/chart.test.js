// The chart's number helpers (src/dashboard/assets/chart.js) under Node's test runner.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");

const C = require(path.join(process.env.AVIARY_DASHBOARD_ASSETS || path.join(__dirname, "../../../../src/dashboard/assets"), "chart.js"));

test("niceMax rounds up to 1, 2, 2.5, 5 or 10 times a power of ten", () => {
  assert.equal(C.niceMax(0.7), 1);
  assert.equal(C.niceMax(1.5), 2);
  assert.equal(C.niceMax(2.2), 2.5);
  assert.equal(C.niceMax(3), 5);
  assert.equal(C.niceMax(7), 10);
  assert.ok(Math.abs(C.niceMax(0.052) - 0.1) < 1e-12);
  assert.equal(C.niceMax(0), 1, "nothing to scale: a unit axis");
  assert.equal(C.niceMax(-5), 1);
  assert.equal(C.niceMax(NaN), 1);
});

test("fmt: three decimals, exponents for the very small and large, a dash for nothing", () => {
  assert.equal(C.fmt(0.0041234), "0.004");
  assert.equal(C.fmt(41.5), "41.5");
  assert.equal(C.fmt(0), "0");
  assert.equal(C.fmt(0.0003), "3.00e-4");
  assert.equal(C.fmt(2500000), "2.50e+6");
  assert.equal(C.fmt(-0.25), "-0.25");
  for (const nothing of [null, undefined, NaN]) assert.equal(C.fmt(nothing), "–");
});

test("timeLabel is the UTC time of day", () => {
  assert.equal(C.timeLabel(Date.parse("2026-03-01T10:02:03Z")), "10:02:03");
});
