// The aviary dashboard (docs/dashboard.md). The token lives in sessionStorage only and goes in the
// Authorization header of every request; no cookies. Live by long poll (?since=version).
"use strict";
(function () {
  const KEY = "aviary.token";
  const $ = (id) => document.getElementById(id);
  const V = window.AviaryView;  // view.js: the pure functions (unit-tested under Node)
  let view = null;          // {kind: "list"} | {kind: "detail", ns, name}
  let generation = 0;       // bumps on every view change: stale polls stop
  let controller = null;    // aborts the current poll
  let lastList = null;

  function token() { return sessionStorage.getItem(KEY); }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v;
      else if (k === "dataset") Object.assign(node.dataset, v);
      else node.setAttribute(k, v);
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.appendChild(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
    }
    return node;
  }
  function badge(kind, value) { return el("span", { class: `${kind} ${kind}-${value}` }, value || "–"); }

  class Unauthorized extends Error {}

  async function api(path, options) {
    const init = Object.assign({ headers: {}, credentials: "omit", cache: "no-store" }, options || {});
    init.headers.Authorization = "Bearer " + token();
    const response = await fetch(path, init);
    let body = null;
    try { body = await response.json(); } catch (e) { body = null; }
    if (response.status === 401) throw new Unauthorized((body && body.error) || "unauthorized");
    return { status: response.status, body };
  }

  function show(section) {
    for (const id of ["login", "list", "detail"]) $(id).hidden = id !== section;
    $("logout").hidden = section === "login";
    $("live").hidden = section === "login";
  }

  function signOut(reason) {
    sessionStorage.removeItem(KEY);
    generation++;
    if (controller) controller.abort();
    $("who").textContent = "";
    $("login-error").textContent = reason || "";
    show("login");
    if (location.hash !== "#/login") history.replaceState(null, "", "#/login");
  }

  function setLive(ok) {
    $("live").textContent = ok ? "live" : "reconnecting…";
    $("live").classList.toggle("stale", !ok);
  }

  // Calls render with each new answer of `path` until the view changes.
  async function follow(path, render) {
    const mine = ++generation;
    let since = null;
    while (mine === generation) {
      controller = new AbortController();
      const asked = Date.now();
      try {
        const url = since === null ? path : `${path}${path.includes("?") ? "&" : "?"}since=${since}`;
        const { status, body } = await api(url, { signal: controller.signal });
        if (mine !== generation) return;
        if (status !== 200) {
          $("error").textContent = (body && body.error) || `HTTP ${status}`;
          setLive(false);
          await new Promise((r) => setTimeout(r, 2000));
          continue;
        }
        $("error").textContent = "";
        setLive(true);
        const changed = since === null || body.version !== since;
        if (changed) render(body);
        since = body.version;
        // Answered at once without a change (the server's waiting slots were full): ask again in a second.
        if (!changed && Date.now() - asked < 1000) await new Promise((r) => setTimeout(r, 1000));
      } catch (e) {
        if (e instanceof Unauthorized) { signOut("Your token was refused: " + e.message); return; }
        if (mine !== generation) return;
        setLive(false);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  // ---- the list -------------------------------------------------------------------------------
  function fillSelect(select, values) {
    const current = select.value;
    select.textContent = "";
    select.appendChild(el("option", { value: "" }, "all"));
    for (const v of values) select.appendChild(el("option", { value: v }, v));
    select.value = values.includes(current) ? current : "";
  }

  function renderList(body) {
    lastList = body;
    $("who").textContent = body.user;
    fillSelect($("filter-namespace"), body.namespaces);
    fillSelect($("filter-phase"), V.phasesOf(body.releases));
    drawRows();
  }

  function drawRows() {
    if (!lastList) return;
    const rows = V.filterReleases(lastList.releases, { namespace: $("filter-namespace").value, phase: $("filter-phase").value,
                                                       model: $("filter-model").value });
    const tbody = $("releases").querySelector("tbody");
    tbody.textContent = "";
    for (const r of rows) {
      const gates = el("td", { class: "gates-cell" });
      for (const g of r.gates) gates.appendChild(el("span", { class: `verdict verdict-${g.verdict}`, title: g.name }, `${g.name}: ${g.verdict}`));
      const tr = el("tr", { class: "link", dataset: { release: `${r.namespace}/${r.name}` } },
        el("td", {}, r.namespace),
        el("td", {}, el("a", { href: V.releaseHash(r.namespace, r.name) }, r.name)),
        el("td", {}, r.model),
        el("td", {}, badge("phase", r.phase)),
        el("td", {}, r.stableVersion || "–"),
        el("td", {}, r.canaryVersion || "–"),
        el("td", {}, V.weightText(r)),
        el("td", {}, V.stepText(r)),
        gates,
        el("td", { title: r.created }, V.age(r.created, Date.now())));
      tr.addEventListener("click", (e) => {
        if (e.target.tagName !== "A") location.hash = V.releaseHash(r.namespace, r.name);
      });
      tbody.appendChild(tr);
    }
    $("empty").hidden = rows.length > 0;
  }

  // ---- one release ----------------------------------------------------------------------------
  function tableRows(id, rows) {
    const tbody = $(id).querySelector("tbody");
    tbody.textContent = "";
    for (const cells of rows) tbody.appendChild(el("tr", {}, ...cells.map((c) => el("td", {}, c))));
  }

  function renderDetail(body) {
    const r = body.release;
    $("who").textContent = body.user;
    $("release-name").textContent = `${r.namespace}/${r.name}`;
    const phase = $("phase");
    phase.className = `phase phase-${r.phase}`;
    phase.textContent = r.phase;
    $("message").textContent = r.message;
    const facts = $("facts");
    facts.textContent = "";
    for (const [k, v] of [["model", r.model], ["stable", r.stableVersion || "–"], ["canary", r.canaryVersion || "–"],
                          ["weight", V.weightText(r)]]) {
      facts.appendChild(el("dt", {}, k));
      facts.appendChild(el("dd", { id: `fact-${k}` }, v));
    }
    const links = $("links");
    links.textContent = "";
    if (body.links.mlflowVersion) {
      links.appendChild(el("a", { href: body.links.mlflowVersion, target: "_blank", rel: "noopener noreferrer" }, `MLflow: ${r.model} version ${r.version}`));
      links.appendChild(el("a", { href: body.links.mlflowModel, target: "_blank", rel: "noopener noreferrer" }, "all versions"));
    }
    renderActions(r, body.actions);

    const steps = $("steps");
    steps.textContent = "";
    for (const s of body.steps) steps.appendChild(el("li", { class: s.state, dataset: { state: s.state } }, `${s.index + 1}. ${s.text}`));
    if (body.steps.length === 0) steps.appendChild(el("li", {}, "no steps"));

    $("routing").textContent = V.routingText(body.routing);
    AviaryChart.draw($("traffic-chart"), { title: "traffic", series: V.trafficSeries(body.traffic), max: 100, unit: "%", now: Date.now(),
                                           empty: "no traffic changes seen yet" });

    renderGates(body.gates);
    tableRows("approvals", body.approvals.map(V.approvalRow));
    tableRows("history", body.history.map(V.historyRow));
    tableRows("conditions", body.conditions.map(V.conditionRow));
  }

  function renderGates(gates) {
    const box = $("gates");
    box.textContent = "";
    if (gates.length === 0) box.appendChild(el("p", { class: "muted" }, "No gates measured in this rollout yet."));
    for (const g of gates) {
      const chart = el("div", { class: "chart gate-chart", dataset: { gate: g.name } });
      const numbers = el("p", { class: "numbers" },
        el("span", {}, `judge: ${g.judge || "–"}`),
        el("span", {}, V.countsText(g)));
      if (g.threshold) numbers.appendChild(el("span", {}, V.thresholdText(g.threshold)));
      if (g.compare) numbers.appendChild(el("span", {}, V.compareText(g.compare)));
      if (g.sequential) {
        const s = g.sequential;
        numbers.appendChild(el("span", {}, `p-value ${AviaryChart.fmt(s.pValue)}`));
        if (s.ratioLow !== undefined || s.ratioHigh !== undefined) numbers.appendChild(el("span", {}, `confidence sequence [${AviaryChart.fmt(s.ratioLow)}, ${AviaryChart.fmt(s.ratioHigh)}]`));
        if (s.decision) numbers.appendChild(el("span", {}, `decision ${s.decision}${s.reason ? ": " + s.reason : ""}`));
      }
      const last = g.measurements[g.measurements.length - 1];
      if (last && last.detail) numbers.appendChild(el("span", { class: "muted" }, `last: ${last.detail}`));
      const section = el("div", { class: "gate" },
        el("h3", {}, `${g.name}`, badge("verdict", g.verdict), el("span", { class: "muted" }, `stage ${g.stage}${g.stopped ? " (ended)" : ""}`)),
        numbers, chart);
      if (g.queryUrl) section.appendChild(el("p", { class: "links" }, el("a", { href: g.queryUrl, target: "_blank", rel: "noopener noreferrer", title: g.query }, "Prometheus query")));
      box.appendChild(section);
      const { series, lines } = V.gateChart(g);
      AviaryChart.draw(chart, { title: `gate ${g.name}`, series, lines, empty: "no measurements yet" });
    }
  }

  const ACTIONS = {
    approve: { label: "Approve", cls: "primary", path: "approve", body: () => ({ comment: $("comment").value }) },
    reject: { label: "Reject", cls: "danger", path: "reject", body: () => ({ comment: $("comment").value }) },
    promote: { label: "Promote (next step)", path: "promote", body: () => ({}) },
    "promote-full": { label: "Promote fully", path: "promote", body: () => ({ full: true }) },
    abort: { label: "Abort", cls: "danger", path: "abort", body: () => ({}) },
    retry: { label: "Retry", path: "retry", body: () => ({}) },
  };

  function renderActions(r, actions) {
    const buttons = $("action-buttons");
    const key = V.actionsKey(r, actions);
    if (buttons.dataset.key === key) return;  // keep the comment being typed
    buttons.dataset.key = key;
    buttons.textContent = "";
    $("actions").hidden = actions.length === 0;
    $("comment").hidden = !actions.includes("approve");
    for (const name of actions) {
      const a = ACTIONS[name];
      const button = el("button", { type: "button", class: a.cls || "", dataset: { action: name } }, a.label);
      button.addEventListener("click", () => act(r, name));
      buttons.appendChild(button);
    }
  }

  async function act(r, name) {
    const a = ACTIONS[name];
    if ((name === "abort" || name === "reject") && !confirm(`${a.label} ${r.namespace}/${r.name}?`)) return;
    $("action-result").textContent = "…";
    try {
      const { status, body } = await api(V.actionUrl(r.namespace, r.name, a.path),
        { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(a.body()) });
      $("action-result").textContent = V.actionResult(a.label, status, body);
      if (status === 202) $("comment").value = "";
    } catch (e) {
      if (e instanceof Unauthorized) signOut("Your token was refused: " + e.message);
      else $("action-result").textContent = `${a.label} failed: ${e.message}`;
    }
  }

  // ---- routing --------------------------------------------------------------------------------
  function route() {
    let wanted = V.routeOf(location.hash);
    if (wanted.token !== undefined) {  // `aviary dashboard` hands its session token in the URL's fragment
      sessionStorage.setItem(KEY, wanted.token);
      history.replaceState(null, "", "#/");
      wanted = V.routeOf("#/");
    }
    if (!token()) { signOut($("login-error").textContent); return; }
    if (wanted.kind === "detail") {
      view = wanted;
      $("action-buttons").dataset.key = "";
      $("action-result").textContent = "";
      show("detail");
      follow(`/api/v1/dashboard/namespaces/${encodeURIComponent(view.ns)}/releases/${encodeURIComponent(view.name)}`, renderDetail);
    } else {
      view = { kind: "list" };
      if (location.hash !== "#/") history.replaceState(null, "", "#/");
      show("list");
      follow("/api/v1/dashboard/releases", renderList);
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("login-form").addEventListener("submit", async (e) => {
      e.preventDefault();
      const value = $("token").value.trim();
      if (!value) return;
      sessionStorage.setItem(KEY, value);
      $("token").value = "";
      $("login-error").textContent = "";
      try {
        const { status, body } = await api("/api/v1/dashboard/whoami");
        if (status !== 200) { signOut((body && body.error) || `HTTP ${status}`); return; }
        location.hash = "#/";  // hashchange routes
      } catch (err) {
        signOut(err instanceof Unauthorized ? "Your token was refused: " + err.message : err.message);
      }
    });
    $("logout").addEventListener("click", () => signOut(""));
    for (const id of ["filter-namespace", "filter-phase", "filter-model"]) {
      for (const event of ["input", "change"]) $(id).addEventListener(event, drawRows);
    }
    window.addEventListener("hashchange", route);
    route();
  });
})();
