// The dashboard page (GET /dashboard): the exporter's snapshot, drawn with uPlot. With the operator's METRICS_TOKEN
// it reads GET /metrics/snapshot (every merchant, feature PSI, the alert backlog); with a secret key, GET /v1/stats
// (that merchant's own figures). The snapshot holds the current windows only, so the time series are the
// snapshots this page has seen: they fill as the exporter writes one a minute. The token and the series live in this
// page's memory only — not in storage another page of the origin (/docs loads Swagger UI from a CDN) could read.
(() => {
  "use strict";
  const REFRESH_MS = 15000;
  const HISTORY = 240;
  const $ = (id) => document.getElementById(id);
  const charts = {};
  const histories = new Map();
  let timer;
  let token;

  const pct = (x) => (x === null || x === undefined ? "–" : `${(100 * x).toFixed(2)} %`);
  const num = (x, d = 1) => (x === null || x === undefined ? "–" : Number(x).toFixed(d));

  function status(text, error = false) {
    $("status").textContent = text;
    $("status").className = error ? "status error" : "status";
  }

  async function fetchView(token) {
    if (token.startsWith("pk_")) throw new Error("a publishable key cannot read figures: enter a secret key (scope stats:read) or the METRICS_TOKEN");
    const operator = !token.startsWith("sk_");
    const res = await fetch(operator ? "/metrics/snapshot" : "/v1/stats", { headers: { authorization: `Bearer ${token}` } });
    if (res.status === 404) return { empty: "No metrics snapshot yet: the exporter writes one every minute (npm run metrics:refresh runs it now)." };
    if (!res.ok) {
      const body = await res.json().catch(() => ({}));
      throw new Error(`${res.status} ${body.code ?? ""} ${body.detail ?? body.title ?? ""}`.trim());
    }
    const body = await res.json();
    if (operator) {
      if (!body.snapshot) return { empty: "No metrics snapshot yet: the exporter writes one every minute (npm run metrics:refresh runs it now)." };
      const s = body.snapshot;
      return { operator, who: "all merchants", generatedAt: s.generated_at, windows: s.windows, model: s.model, stats: s.global, features: s.features, backlog: body.backlog, merchants: Object.keys(s.merchants).length, models: s.models ?? [], shadows: s.shadows ?? [] };
    }
    return { operator, who: body.merchant, generatedAt: body.generated_at, windows: body.windows, model: body.model, stats: body.stats };
  }

  function tiles(v) {
    const s = v.stats;
    const items = [
      ["requests", `requests (${v.windows.traffic_minutes} min)`, String(s.requests)],
      ["request_rate", "requests / s", num(s.request_rate_per_s, 2)],
      ["approve_rate", "approved", pct(s.decision_rates.approve)],
      ["review_rate", "sent to review", pct(s.decision_rates.review)],
      ["decline_rate", "declined", pct(s.decision_rates.decline)],
      ["error_rate", "errors (5xx)", pct(s.error_rate)],
      ["p50", "latency p50 (ms)", num(s.latency_ms.p50)],
      ["p95", "latency p95 (ms)", num(s.latency_ms.p95)],
      ["p99", "latency p99 (ms)", num(s.latency_ms.p99)],
      ["score_mean", "mean score", num(s.score.mean, 4)],
      ["score_psi", "score PSI", num(s.score.psi, 3)],
      ["model", "drift baseline (model card)", v.model.version],
    ];
    if (v.operator) items.push(["alert_backlog", "alerts waiting (spill)", v.backlog ? String(v.backlog.entries) : "–"], ["merchants", "merchants with figures", String(v.merchants)]);
    $("tiles").replaceChildren(
      ...items.map(([key, label, value]) => {
        const el = document.createElement("div");
        el.className = "tile";
        el.dataset.stat = key;
        const l = document.createElement("div");
        l.className = "label";
        l.textContent = label;
        const val = document.createElement("div");
        val.className = key === "model" ? "value small" : "value";
        val.textContent = value;
        el.append(l, val);
        return el;
      }),
    );
  }

  function history(v) {
    const key = v.operator ? "operator" : v.who;
    if (!histories.has(key)) histories.set(key, []);
    const h = histories.get(key);
    const t = Date.parse(v.generatedAt) / 1000;
    if (h.length === 0 || h[h.length - 1].t !== t) {
      const s = v.stats;
      h.push({ t, rate: s.request_rate_per_s, p50: s.latency_ms.p50, p95: s.latency_ms.p95, p99: s.latency_ms.p99, approve: s.decision_rates.approve, review: s.decision_rates.review, decline: s.decision_rates.decline });
      while (h.length > HISTORY) h.shift();
    }
    return h;
  }

  function draw(id, opts, data) {
    const el = $(id);
    el.dataset.points = String(data[0].length);
    const width = Math.max(320, el.clientWidth || el.parentElement.clientWidth - 24);
    if (charts[id]) charts[id].destroy();
    el.replaceChildren();
    if (data[0].length === 0) {
      const empty = document.createElement("div");
      empty.className = "empty";
      empty.textContent = "no data in the window yet";
      el.append(empty);
      return;
    }
    charts[id] = new uPlot({ width, height: 210, legend: { live: false }, ...opts }, data, el);
  }

  const line = (label, stroke) => ({ label, stroke, width: 2, points: { show: true, size: 5 } });
  // The span the snapshots seen cover, at least ten minutes (one snapshot alone: uPlot would span years).
  const span = (ts) => {
    const [min, max] = [Math.min(...ts), Math.max(...ts)];
    return max - min < 600 ? [max - 600, max + 30] : [min, max + 30];
  };
  const bars = (label, fill) => ({ label, fill, stroke: fill, paths: uPlot.paths.bars({ size: [0.8, 60] }), points: { show: false } });

  /** The routing as the traffic saw it: who decided, and what each shadow scored of the same rows. */
  function models(v) {
    $("models-panel").hidden = !v.operator;
    if (!v.operator) return;
    const row = (cells) => {
      const tr = document.createElement("tr");
      for (const c of cells) tr.append(Object.assign(document.createElement("td"), { textContent: c }));
      return tr;
    };
    $("models").replaceChildren(
      ...v.models.map((m) => row([m.version, m.role, String(m.decisions), num(m.mean_score, 4), ""])),
      ...v.shadows.map((sh) => row([sh.version, "shadow", String(sh.samples), num(sh.mean_score, 4), num(sh.decided_mean_score, 4)])),
    );
    if (v.models.length + v.shadows.length === 0) $("models").append(row(["no scored traffic in the window", "", "", "", ""]));
  }

  function render(v) {
    tiles(v);
    models(v);
    const h = history(v);
    const col = (k) => h.map((p) => p[k]);
    const time = { x: { time: true, auto: false, range: span(col("t")) } };
    draw("chart-rate", { scales: time, series: [{}, line("req/s", "#2d5bd7")] }, [col("t"), col("rate")]);
    draw("chart-latency", { scales: time, series: [{}, line("p50", "#1f8a4c"), line("p95", "#c98a00"), line("p99", "#c0392b")] }, [col("t"), col("p50"), col("p95"), col("p99")]);
    draw(
      "chart-decisions",
      { scales: time, series: [{}, line("approve", "#1f8a4c"), line("review", "#c98a00"), line("decline", "#c0392b")], axes: [{}, { size: 60, values: (_, ticks) => ticks.map((x) => `${(100 * x).toFixed(1)}%`) }] },
      [col("t"), col("approve"), col("review"), col("decline")],
    );
    // The histogram's bins: below the first edge, between edges, above the last.
    const score = v.stats.score;
    const labels = score.proportions.map((_, i) => (i === 0 ? `<${score.edges[0]}` : i === score.edges.length ? `≥${score.edges[i - 1]}` : `${score.edges[i - 1]}`));
    draw(
      "chart-scores",
      { scales: { x: { time: false } }, axes: [{ values: (_, ticks) => ticks.map((i) => labels[i] ?? "") }, {}], series: [{}, bars("share of scores", "#2d5bd7")] },
      score.samples > 0 ? [score.proportions.map((_, i) => i), score.proportions] : [[], []],
    );
    const psi = v.operator ? [["score", score.psi], ...Object.entries(v.features ?? {}).map(([k, f]) => [k, f.psi])].filter(([, p]) => p !== null) : score.psi === null ? [] : [["score", score.psi]];
    draw(
      "chart-psi",
      { scales: { x: { time: false } }, axes: [{ values: (_, ticks) => ticks.map((i) => (psi[i] ? psi[i][0] : "")), rotate: -20, size: 80 }, {}], series: [{}, bars("PSI", "#c98a00")] },
      [psi.map((_, i) => i), psi.map(([, p]) => p)],
    );
    status(`${v.who} · snapshot of ${new Date(v.generatedAt).toLocaleTimeString()} (traffic window ${v.windows.traffic_minutes} min, drift window ${v.windows.drift_minutes} min) · refreshed ${new Date().toLocaleTimeString()}, every ${REFRESH_MS / 1000} s`);
    document.body.dataset.generatedAt = v.generatedAt;
  }

  async function refresh() {
    if (!token) return;
    try {
      const v = await fetchView(token);
      if (v.empty) status(v.empty);
      else render(v);
    } catch (e) {
      status(`Could not read the figures: ${e.message}`, true);
    }
  }

  $("auth").addEventListener("submit", (e) => {
    e.preventDefault();
    const typed = $("token").value.trim();
    if (!typed) return;
    token = typed;
    $("token").value = "";
    clearInterval(timer);
    void refresh();
    timer = setInterval(refresh, REFRESH_MS);
  });
})();
