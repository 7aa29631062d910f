/**
 * fraud-check.js — score a checkout's transaction from the browser with a publishable key (docs/checkout.md).
 * No framework, no build step, no dependencies: include it with a <script> tag and call
 *
 *   const checker = FraudCheck.create({ apiBase: "https://fraud.example.com", publishableKey: "pk_live_…" });
 *   const outcome = await checker.score(transaction);   // never throws
 *   if (outcome.decision === "decline") …
 *
 * `outcome` is { ok: true, decision, score, riskLevel, reasons, result } when the scorer answered, or
 * { ok: false, decision: <fallbackDecision>, error: { kind, status?, code?, detail?, retryAfter? } } when it did
 * not (network / CORS failure, timeout, rate limit, rejected request) — the page always gets a decision to act on.
 * The same outcome is also dispatched on `document` as a "fraudcheck:decision" CustomEvent.
 *
 * The key is public by design: it only scores, only for its merchant, only from the origins it lists. Never put a
 * secret key (sk_…) in a page.
 */
(function (global) {
  "use strict";

  var DEVICE_KEY = "fraudcheck.device_id";

  /** A random id kept in this browser, so the scorer can count cards and attempts per device. */
  function deviceId() {
    try {
      var id = global.localStorage.getItem(DEVICE_KEY);
      if (!id) {
        id = "dev_" + global.crypto.randomUUID().replace(/-/g, "");
        global.localStorage.setItem(DEVICE_KEY, id);
      }
      return id;
    } catch (e) {
      return undefined; // storage disabled: score without a device id rather than fail
    }
  }

  function withDevice(tx) {
    var device = Object.assign({}, tx.device);
    if (!device.id) {
      var id = deviceId();
      if (id) device.id = id;
    }
    return Object.assign({}, tx, { channel: tx.channel || "web", device: device });
  }

  function failure(fallback, error) {
    return { ok: false, decision: fallback, error: error };
  }

  function create(options) {
    if (!options || !options.apiBase || !options.publishableKey) throw new Error("FraudCheck.create needs apiBase and publishableKey");
    if (/^sk_/.test(options.publishableKey)) throw new Error("FraudCheck: that is a secret key; use a publishable key (pk_…) in a page");
    var endpoint = options.apiBase.replace(/\/+$/, "") + "/v1/score";
    var timeoutMs = options.timeoutMs || 3000;
    var fallback = options.fallbackDecision || "review";

    function score(transaction) {
      var controller = new AbortController();
      var timer = setTimeout(function () {
        controller.abort();
      }, timeoutMs);
      var tx = withDevice(transaction);
      return fetch(endpoint, {
        method: "POST",
        headers: {
          Authorization: "Bearer " + options.publishableKey,
          "Content-Type": "application/json",
        },
        body: JSON.stringify(tx),
        signal: controller.signal,
        // The key travels in a header; no cookies are sent or needed.
        credentials: "omit",
      })
        .then(function (res) {
          return res.json().then(
            function (body) {
              return { res: res, body: body };
            },
            function () {
              return { res: res, body: null };
            },
          );
        })
        .then(
          function (r) {
            if (r.res.ok && r.body) {
              return { ok: true, decision: r.body.decision, score: r.body.score, riskLevel: r.body.risk_level, reasons: r.body.reasons, result: r.body };
            }
            var retryAfter = Number(r.res.headers.get("Retry-After"));
            return failure(fallback, {
              kind: r.res.status === 429 ? "rate_limited" : "rejected",
              status: r.res.status,
              code: r.body && r.body.code,
              detail: r.body && r.body.detail,
              retryAfter: retryAfter > 0 ? retryAfter : undefined,
            });
          },
          function (e) {
            // A CORS refusal (origin not allowed for the key) looks exactly like a network failure to a page.
            return failure(fallback, { kind: e && e.name === "AbortError" ? "timeout" : "network", detail: String(e && e.message) });
          },
        )
        .then(function (outcome) {
          clearTimeout(timer);
          if (typeof options.onDecision === "function") {
            try {
              options.onDecision(outcome);
            } catch (e) {
              setTimeout(function () {
                throw e; // the page's bug, reported as such, not turned into a scoring failure
              });
            }
          }
          if (global.document && typeof global.CustomEvent === "function") {
            global.document.dispatchEvent(new global.CustomEvent("fraudcheck:decision", { detail: outcome }));
          }
          return outcome;
        });
    }

    return { score: score };
  }

  global.FraudCheck = { create: create, version: "1" };
})(typeof window !== "undefined" ? window : globalThis);
