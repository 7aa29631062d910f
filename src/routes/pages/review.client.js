// The analyst's review page (GET /review) over the review-queue API: GET /v1/reviews lists the open cases, GET
// /v1/transactions/{id} and GET /v1/entities/card/{fingerprint} show one, POST /v1/reviews/{id} resolves it — which
// also labels it `manual_review` (docs/feedback.md), so the decision feeds retraining and the network memory. The
// key lives in this page's memory only (see dashboard.client.js).
(() => {
  "use strict";
  const $ = (id) => document.getElementById(id);
  let cursor;
  let current;
  let secret;

  const key = () => secret;
  const api = async (path, init = {}) => {
    const res = await fetch(path, { ...init, headers: { authorization: `Bearer ${key()}`, "content-type": "application/json", ...init.headers } });
    const body = await res.json().catch(() => ({}));
    if (!res.ok) throw Object.assign(new Error(`${res.status} ${body.code ?? ""}: ${body.detail ?? body.title ?? ""}`), { status: res.status });
    return body;
  };
  const status = (text, error = false) => {
    $("status").textContent = text;
    $("status").className = error ? "status error" : "status";
  };
  // Amounts are in the currency's minor unit: its exponent is what Intl says of its fraction digits (JPY 0, USD 2).
  const money = (minor, currency) => {
    try {
      const f = new Intl.NumberFormat(undefined, { style: "currency", currency });
      return f.format(minor / 10 ** f.resolvedOptions().maximumFractionDigits);
    } catch {
      return `${minor} ${currency} (minor units)`;
    }
  };
  const cell = (text) => Object.assign(document.createElement("td"), { textContent: text });
  function facts(el, rows) {
    el.replaceChildren(...rows.flatMap(([k, v]) => [Object.assign(document.createElement("dt"), { textContent: k }), Object.assign(document.createElement("dd"), { textContent: v })]));
  }

  async function load(more = false) {
    try {
      const q = new URLSearchParams({ limit: "25", ...(more && cursor ? { cursor } : {}) });
      const page = await api(`/v1/reviews?${q}`);
      if (!more) $("queue").replaceChildren();
      for (const r of page.reviews) {
        const tr = document.createElement("tr");
        tr.className = "case";
        tr.dataset.id = r.transaction_id;
        tr.append(cell(new Date(r.t).toLocaleString()), cell(r.transaction_id), cell(money(r.amount, r.currency)), cell(r.score.toFixed(4)), cell(r.decision_source ?? "model"));
        tr.addEventListener("click", () => open(r.transaction_id, tr));
        $("queue").append(tr);
      }
      cursor = page.next;
      $("more").hidden = !cursor;
      status(`${$("queue").children.length} open review(s) shown${cursor ? " — more below" : ""}.`);
    } catch (e) {
      status(`Could not read the queue: ${e.message}`, true);
    }
  }

  async function open(id, row) {
    document.querySelectorAll("tr.case.selected").forEach((r) => r.classList.remove("selected"));
    row.classList.add("selected");
    try {
      const { transaction: t, label } = await api(`/v1/transactions/${encodeURIComponent(id)}`);
      current = { id, row };
      $("case").hidden = false;
      $("case-title").textContent = `Transaction ${t.transaction_id}`;
      const pill = `${t.decision} (${t.decision_source ?? "model"})`;
      facts($("case-facts"), [
        ["time", new Date(t.t).toLocaleString()],
        ["amount", money(t.amount, t.currency)],
        ["score", t.score.toFixed(6)],
        ["decision", pill],
        ["model", `${t.model.version}${t.model.role ? ` (${t.model.role})` : ""}`],
        ["card", t.entities.card],
        ["device", t.entities.device ?? "–"],
        ["customer", t.entities.customer ?? "–"],
        ["e-mail domain", t.entities.email_domain ?? "–"],
        ["network", t.entities.ip ?? "–"],
        ["degraded", (t.degraded ?? []).join(", ") || "no"],
        ["label", label ? `${label.label} (${label.source})` : "none yet"],
      ]);
      $("case-reasons").replaceChildren(...(t.reasons.length ? t.reasons : ["no reason raised the score"]).map((r) => Object.assign(document.createElement("li"), { textContent: r })));
      $("case-result").textContent = "";
      $("case-result").dataset.outcome = "";
      $("note").value = "";
      try {
        const e = await api(`/v1/entities/card/${encodeURIComponent(t.entities.card)}`);
        facts($("case-entity"), [
          ["first seen", e.first_seen ? new Date(e.first_seen).toLocaleString() : "–"],
          ["last 1 h", `${e.windows["1h"].count} payments, ${(e.windows["1h"].amount_usd_cents / 100).toFixed(2)} USD`],
          ["last 24 h", `${e.windows["24h"].count} payments, ${e.windows["24h"].devices} device(s), ${e.windows["24h"].countries} country(ies)`],
          ["last 7 days", `${e.windows["7d"].count} payments, ${(e.windows["7d"].amount_usd_cents / 100).toFixed(2)} USD`],
        ]);
      } catch (e) {
        facts($("case-entity"), [["history", e.status === 404 ? "none in the last 7 days" : e.status === 403 ? "this key lacks the entities:read scope" : e.message]]);
      }
    } catch (e) {
      status(`Could not open ${id}: ${e.message}`, true);
    }
  }

  async function resolve(outcome) {
    if (!current) return;
    const note = $("note").value.trim();
    try {
      const r = await api(`/v1/reviews/${encodeURIComponent(current.id)}`, { method: "POST", body: JSON.stringify({ outcome, ...(note && { note }) }) });
      $("case-result").textContent = `Resolved as ${r.review.outcome}${r.label ? ` — label ${r.label.status}` : ""}.`;
      $("case-result").dataset.outcome = r.review.outcome;
      current.row.remove();
      current = undefined;
      status(`${$("queue").children.length} open review(s) shown.`);
    } catch (e) {
      $("case-result").textContent = `Not resolved: ${e.message}`;
    }
  }

  $("decline").addEventListener("click", () => resolve("fraud"));
  $("approve").addEventListener("click", () => resolve("legitimate"));
  $("more").addEventListener("click", () => load(true));
  $("auth").addEventListener("submit", (e) => {
    e.preventDefault();
    const k = $("key").value.trim();
    if (!k) return;
    secret = k;
    $("key").value = "";
    void load();
  });
})();
