// The dashboard's pure functions: what app.js shows, computed from the JSON the server answers, with no
// DOM and no clock of their own (the time is an argument). Loaded by the page before app.js
// (window.AviaryView) and by Node's test runner (module.exports; tests/unit/dashboard/js/).
"use strict";
(function () {
  // "42s", "5m", "3h", "2d" since `iso`, as of `now` (ms); "–" without a time.
  function age(iso, now) {
    if (!iso) return "–";
    const s = Math.max(0, (now - Date.parse(iso)) / 1000);
    if (s < 120) return Math.round(s) + "s";
    if (s < 7200) return Math.round(s / 60) + "m";
    if (s < 172800) return Math.round(s / 3600) + "h";
    return Math.round(s / 86400) + "d";
  }

  // "2026-03-01 10:00:00" from RFC 3339; "–" without a time.
  function when(iso) { return iso ? iso.replace("T", " ").replace("Z", "") : "–"; }

  // The releases the filters keep: namespace and phase exact ("" = all), model a case-blind substring.
  function filterReleases(releases, filters) {
    const model = (filters.model || "").trim().toLowerCase();
    return releases.filter((r) => (!filters.namespace || r.namespace === filters.namespace) &&
                                  (!filters.phase || r.phase === filters.phase) &&
                                  (!model || (r.model || "").toLowerCase().includes(model)));
  }

  // The phases present, sorted, for the phase filter.
  function phasesOf(releases) { return [...new Set(releases.map((r) => r.phase))].sort(); }

  // A list row's weight and step cells: only while a canary rolls out.
  function weightText(r) { return r.canaryVersion ? r.weight + "%" : "–"; }
  function stepText(r) { return r.canaryVersion && r.steps ? `${Math.min(r.step + 1, r.steps)}/${r.steps}` : "–"; }

  // "#/releases/<ns>/<name>" for a release.
  function releaseHash(namespace, name) { return `#/releases/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`; }

  // What the location's hash asks for: {token} when `aviary dashboard` handed a session token in it,
  // else the view: {kind: "detail", ns, name} or {kind: "list"}.
  function routeOf(hash) {
    if (hash.startsWith("#token=")) return { token: decodeURIComponent(hash.substring(7)) };
    const m = hash.match(/^#\/releases\/([^/]+)\/([^/]+)$/);
    if (m) return { kind: "detail", ns: decodeURIComponent(m[1]), name: decodeURIComponent(m[2]) };
    return { kind: "list" };
  }

  // The line under the traffic chart.
  function routingText(routing) {
    return `now: canary ${routing.weight}%` + (routing.mirror ? `, mirror ${routing.mirror}% of stable` : "") +
      (routing.headerRoutes && routing.headerRoutes.length ? `, header routes: ${routing.headerRoutes.map((h) => h.name).join(", ")}` : "");
  }

  // The traffic chart's series: the canary weight, and the mirror share when there ever was one.
  function trafficSeries(traffic) {
    const weight = traffic.map((p) => ({ t: Date.parse(p.time), v: p.weight }));
    const mirror = traffic.map((p) => ({ t: Date.parse(p.time), v: p.mirror }));
    const series = [{ name: "canary weight %", cls: "series-weight", points: weight, step: true }];
    if (mirror.some((p) => p.v > 0)) series.push({ name: "mirror %", cls: "series-mirror", points: mirror, step: true });
    return series;
  }

  function thresholdText(threshold) {
    return `threshold: ${threshold.min !== undefined ? "min " + threshold.min + " " : ""}${threshold.max !== undefined ? "max " + threshold.max : ""}`;
  }
  function compareText(compare) {
    return `test: ${compare.test || "mann-whitney"} ${compare.direction || ""} confidence ${compare.confidence ?? 0.95}`;
  }
  function countsText(g) {
    return `pass ${g.successes} · fail ${g.failures} · inconclusive ${g.inconclusives} · error ${g.errors}`;
  }

  // A gate chart's series (value with verdict markers, baseline when compared) and threshold lines.
  function gateChart(g) {
    const pts = (field) => g.measurements.filter((m) => typeof m[field] === "number")
      .map((m) => ({ t: Date.parse(m.time), v: m[field], verdict: m.verdict, detail: m.detail }));
    const series = [{ name: "value", cls: "series-value", points: pts("value"), markers: true }];
    const base = pts("baseline");
    if (base.length) series.push({ name: "baseline", cls: "series-baseline", points: base });
    const lines = [];
    if (g.threshold && g.threshold.max !== undefined) lines.push({ v: g.threshold.max, label: `max ${g.threshold.max}` });
    if (g.threshold && g.threshold.min !== undefined) lines.push({ v: g.threshold.min, label: `min ${g.threshold.min}` });
    return { series, lines };
  }

  // Table rows (arrays of cell texts).
  function approvalRow(a) {
    return [when(a.time), a.approvedBy, a.decision, String((a.step ?? -1) + 1), a.comment || "",
            a.accepted ? "yes" : `no: ${a.message || ""}`];
  }
  function historyRow(h) { return [when(h.time), h.version, h.outcome, h.message || ""]; }
  function conditionRow(c) { return [c.type, c.status, c.reason || "", c.message || ""]; }

  // The release API's URL for an action's POST.
  function actionUrl(namespace, name, path) {
    return `/api/v1/namespaces/${encodeURIComponent(namespace)}/modelreleases/${encodeURIComponent(name)}/${path}`;
  }

  // The line after an action's POST.
  function actionResult(label, status, body) {
    return status === 202 ? `${label}: accepted` : `${label} refused (${status}): ${(body && body.error) || ""}`;
  }

  // The buttons shown are redrawn only when this changes (so a comment being typed stays).
  function actionsKey(r, actions) { return `${r.namespace}/${r.name}:${actions.join(",")}`; }

  const api = {
    age, when, filterReleases, phasesOf, weightText, stepText, releaseHash, routeOf, routingText, trafficSeries,
    thresholdText, compareText, countsText, gateChart, approvalRow, historyRow, conditionRow, actionUrl,
    actionResult, actionsKey,
  };
  if (typeof module === "object" && module.exports) module.exports = api;
  else window.AviaryView = api;
})();
