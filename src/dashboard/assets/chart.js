// Small SVG charts for the dashboard: no library, no inline styles (the CSP forbids them), classes only.
"use strict";
(function () {
  const NS = "http://www.w3.org/2000/svg";
  const W = 900, H = 220, L = 48, R = 110, T = 12, B = 28;

  function el(name, attrs, parent) {
    const node = document.createElementNS(NS, name);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    if (parent) parent.appendChild(node);
    return node;
  }
  function text(parent, x, y, content, cls, anchor) {
    const t = el("text", { x, y, class: cls || "label", "text-anchor": anchor || "start" }, parent);
    t.textContent = content;
    return t;
  }
  function niceMax(v) {
    if (!(v > 0)) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
    return 10 * p;
  }
  function fmt(v) {
    if (v === null || v === undefined || isNaN(v)) return "–";
    const a = Math.abs(v);
    if (a !== 0 && (a < 0.001 || a >= 1e6)) return v.toExponential(2);
    return String(Math.round(v * 1000) / 1000);
  }
  function timeLabel(ms) {
    const d = new Date(ms);
    return d.toISOString().substring(11, 19);
  }

  // series: [{name, cls, points: [{t (ms), v, verdict?}], step?: bool}]; lines: [{v, cls, label}]
  function draw(container, opts) {
    container.textContent = "";
    const svg = el("svg", { viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: "none", role: "img",
                            "aria-label": opts.title || "chart" }, container);
    const all = opts.series.flatMap((s) => s.points);
    if (all.length === 0) {
      text(svg, W / 2, H / 2, opts.empty || "no data yet", "label", "middle");
      return svg;
    }
    let t0 = Math.min(...all.map((p) => p.t)), t1 = Math.max(...all.map((p) => p.t), opts.now || 0);
    if (t1 <= t0) t1 = t0 + 1000;
    const values = all.map((p) => p.v).concat((opts.lines || []).map((l) => l.v)).filter((v) => v !== null && !isNaN(v));
    let vmin = Math.min(0, ...values), vmax = opts.max !== undefined ? opts.max : niceMax(Math.max(...values) * 1.1);
    if (vmax <= vmin) vmax = vmin + 1;
    const x = (t) => L + ((t - t0) / (t1 - t0)) * (W - L - R);
    const y = (v) => T + (1 - (v - vmin) / (vmax - vmin)) * (H - T - B);
    for (let i = 0; i <= 4; i++) {
      const v = vmin + ((vmax - vmin) * i) / 4;
      el("line", { x1: L, x2: W - R, y1: y(v), y2: y(v), class: "grid" }, svg);
      text(svg, L - 6, y(v) + 4, fmt(v) + (opts.unit || ""), "label", "end");
    }
    el("line", { x1: L, x2: L, y1: T, y2: H - B, class: "axis" }, svg);
    el("line", { x1: L, x2: W - R, y1: H - B, y2: H - B, class: "axis" }, svg);
    text(svg, L, H - 8, timeLabel(t0), "label", "start");
    text(svg, W - R, H - 8, timeLabel(t1), "label", "end");
    for (const line of opts.lines || []) {
      el("line", { x1: L, x2: W - R, y1: y(line.v), y2: y(line.v), class: line.cls || "threshold" }, svg);
      text(svg, W - R + 4, y(line.v) + 4, line.label, "legend");
    }
    let legendY = T + 10;
    for (const s of opts.series) {
      if (s.points.length === 0) continue;
      let d = "";
      s.points.forEach((p, i) => {
        if (s.step && i > 0) d += ` H${x(p.t)} V${y(p.v)}`;
        else d += `${i ? " L" : "M"}${x(p.t)},${y(p.v)}`;
      });
      if (s.step && opts.now) d += ` H${x(Math.max(opts.now, s.points[s.points.length - 1].t))}`;
      el("path", { d, class: s.cls }, svg);
      if (s.markers) {
        for (const p of s.points) {
          const c = el("circle", { cx: x(p.t), cy: y(p.v), r: 4, class: "point-" + (p.verdict || "Pass") }, svg);
          const title = el("title", {}, c);
          title.textContent = `${new Date(p.t).toISOString()}  ${fmt(p.v)}  ${p.verdict || ""}  ${p.detail || ""}`;
        }
      }
      text(svg, W - R + 4, legendY, s.name, "legend");
      legendY += 14;
    }
    return svg;
  }

  const api = { draw, fmt, niceMax, timeLabel };
  if (typeof module === "object" && module.exports) module.exports = api;  // Node's test runner
  else window.AviaryChart = api;
})();
