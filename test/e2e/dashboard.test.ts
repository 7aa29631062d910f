import { readFileSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freeLoopbackPort } from "../../scripts/local/free-port";
import { scheduledUrl } from "../../scripts/local/exporter-dev";
import { spawnGuarded, type Guarded } from "../../scripts/local/guarded-spawn";
import { DEMO_SECRET_KEY, DEMO_SHOP2_SECRET_KEY, DEV_METRICS_TOKEN } from "../../scripts/seed-demo";
import { runningFile, type RunningServer } from "../../scripts/start";
import { CHROMIUM, CHROMIUM_ARGS } from "./harness";

/**
 * The operator's and analyst's view, locally end to end: `npm start` with everything beside it (the scorer's decision
 * points forwarded to the local Analytics Engine SQL stand-in, the metrics exporter Worker under wrangler dev), real
 * scores, the exporter run as its cron would, then the dashboard and the review page in headless Chromium. The AE SQL
 * API is the one stand-in here: it is cloud-only (scripts/local/ae-sql.ts speaks its documented wire format).
 */
const ROOT = new URL("../..", import.meta.url).pathname;
let server: Guarded;
let output = "";
let origin: string;
let state: RunningServer;
let browser: Browser;
const run = Date.now().toString(36);
let reviewId: string;

const score = async (key: string, merchant: string, i: number, card = `card_fp_dash_${run}_${i}`) => {
  const body = {
    transaction_id: `txn_dash_${merchant}_${run}_${i}`,
    amount: 2500 + 100 * i,
    currency: "USD",
    merchant: { id: merchant, category: "5732", country: "US" },
    card: { fingerprint: card, bin: "424242", country: "US" },
    device: { id: `dev_dash_${run}_${i}`, ip: "203.0.113.9", ip_country: "US" },
    channel: "web",
  };
  const res = await fetch(`${origin}/v1/score`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return (await res.json()) as { transaction_id: string; decision: string };
};

const get = async <T>(path: string, token: string): Promise<T> => {
  const res = await fetch(`${origin}${path}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
};

interface Stats {
  requests: number;
  decision_rates: { approve: number | null; review: number | null; decline: number | null };
  latency_ms: { p50: number | null };
}

beforeAll(async () => {
  const port = await freeLoopbackPort();
  origin = `http://127.0.0.1:${port}`;
  const env = { ...process.env, PORT: String(port), EXPORTER_PORT: String(await freeLoopbackPort()) };
  server = spawnGuarded(process.execPath, ["--import", "tsx", "scripts/start.ts"], { signal: "TERM", cwd: ROOT, env });
  for (const s of [server.child.stdout!, server.child.stderr!]) s.on("data", (d: Buffer) => (output += d.toString()));
  const deadline = Date.now() + 150_000;
  for (;;) {
    if (server.child.exitCode !== null) throw new Error(`npm start exited (${server.child.exitCode}):\n${output}`);
    try {
      state = JSON.parse(readFileSync(runningFile(port), "utf8")) as RunningServer;
      if (state.exporterUrl && (await fetch(`${origin}/health`).then((r) => r.ok, () => false))) break;
    } catch {
      // not written yet
    }
    if (Date.now() > deadline) throw new Error(`npm start (with its exporter) was not up within 150 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });

  // 20 payments at the demo merchant (two of them on the test card that forces a review), 5 at the second shop.
  for (let i = 0; i < 20; i++) {
    const answer = await score(DEMO_SECRET_KEY, "m_demo", i, i % 10 === 3 ? "card_fp_test_review" : undefined);
    if (i === 13) reviewId = answer.transaction_id;
  }
  for (let i = 0; i < 5; i++) await score(DEMO_SHOP2_SECRET_KEY, "m_demo_shop2", i);
  // The points reach the stand-in after each answer; the exporter's run (as its cron would) then sees all 25.
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(scheduledUrl(state.exporterUrl!));
    expect(res.ok).toBe(true);
    const { snapshot } = await get<{ snapshot: { global: Stats } | null }>("/metrics/snapshot", DEV_METRICS_TOKEN);
    if (snapshot?.global.requests === 25) break;
    if (attempt === 20) throw new Error(`the snapshot never counted the 25 scores: ${JSON.stringify(snapshot?.global)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function dashboard(token: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  await page.goto(`${origin}/dashboard`);
  await page.fill("#token", token);
  await page.click("#auth button");
  await page.waitForSelector('[data-stat="requests"]');
  return page;
}

const tile = async (page: Page, stat: string) => (await page.textContent(`[data-stat="${stat}"] .value`))?.trim();
const pct = (x: number | null) => (x === null ? "–" : `${(100 * x).toFixed(2)} %`);

describe("the dashboard page", () => {
  it("shows the operator every merchant's traffic, with charts drawn from the snapshot", async () => {
    const page = await dashboard(DEV_METRICS_TOKEN);
    const { snapshot } = await get<{ snapshot: { global: Stats } }>("/metrics/snapshot", DEV_METRICS_TOKEN);
    expect(await tile(page, "requests")).toBe("25");
    expect(await tile(page, "review_rate")).toBe(pct(snapshot.global.decision_rates.review));
    expect(await tile(page, "p50")).toBe(snapshot.global.latency_ms.p50!.toFixed(1));
    // The routing as the traffic saw it: the bundled model decided every row, as live.
    expect(await page.textContent("#models")).toContain("live");
    expect(await page.locator("#models tr").first().locator("td").nth(2).textContent()).toBe("25");
    for (const chart of ["chart-rate", "chart-latency", "chart-decisions", "chart-scores", "chart-psi"]) {
      expect(Number(await page.getAttribute(`#${chart}`, "data-points")), chart).toBeGreaterThan(0);
      expect(await page.locator(`#${chart} canvas`).count(), chart).toBe(1);
    }
    await page.close();
  });

  it("shows a merchant's key its own figures only, as /v1/stats has them", async () => {
    for (const [key, requests] of [[DEMO_SECRET_KEY, 20], [DEMO_SHOP2_SECRET_KEY, 5]] as const) {
      const page = await dashboard(key);
      const { stats } = await get<{ stats: Stats }>("/v1/stats", key);
      expect(stats.requests).toBe(requests);
      expect(await tile(page, "requests")).toBe(String(requests));
      expect(await tile(page, "approve_rate")).toBe(pct(stats.decision_rates.approve));
      expect(await tile(page, "review_rate")).toBe(pct(stats.decision_rates.review));
      expect(await page.locator('[data-stat="alert_backlog"]').count()).toBe(0);
      expect(await page.locator("#models-panel").isHidden()).toBe(true);
      expect(Number(await page.getAttribute("#chart-scores", "data-points"))).toBeGreaterThan(0);
      await page.close();
    }
  });

  it("refuses a key that is not one, or a checkout page's key, and says so on the page", async () => {
    for (const [token, says] of [["sk_test_not_a_key_000000000000000000000", "401"], ["metrics_token_wrong_0000000000000000", "401"], ["pk_test_demo_00000000000000000000000000", "publishable key"]] as const) {
      const page = await browser.newPage();
      await page.goto(`${origin}/dashboard`);
      await page.fill("#token", token);
      await page.click("#auth button");
      await page.waitForSelector("#status.error");
      expect(await page.textContent("#status")).toContain(says);
      await page.close();
    }
  });

  it("serves the pages under a CSP that allows no inline or foreign script; the snapshot route takes the metrics token only", async () => {
    for (const path of ["/dashboard", "/review"]) {
      const res = await fetch(`${origin}${path}`);
      await res.text();
      expect(res.headers.get("content-security-policy")).toMatch(/script-src 'self';.*connect-src 'self'/);
    }
    for (const token of ["", DEMO_SECRET_KEY]) {
      const res = await fetch(`${origin}/metrics/snapshot`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
      await res.text();
      expect(res.status).toBe(401);
    }
  });
});

describe("the review page", () => {
  it("lists the merchant's open reviews and resolves one: the case leaves the queue, labelled by the analyst", async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await page.goto(`${origin}/review`);
    await page.fill("#key", DEMO_SECRET_KEY);
    await page.click("#auth button");
    const row = page.locator(`tr.case[data-id="${reviewId}"]`);
    await row.waitFor();
    await row.click();
    // Locators, not waitForFunction: the page's CSP (no 'unsafe-eval') refuses a predicate evaluated as a string.
    await page.locator("#case-title", { hasText: reviewId }).waitFor();
    expect(await page.textContent("#case-facts")).toContain("card_fp_test_review");
    await page.fill("#note", "test card, confirmed by the e2e test");
    await page.click("#decline");
    await page.waitForSelector('#case-result[data-outcome="fraud"]');
    expect(await row.count()).toBe(0);
    const kept = await get<{ review: { outcome: string; note: string }; label: { label: string; source: string } }>(`/v1/transactions/${reviewId}`, DEMO_SECRET_KEY);
    expect(kept.review).toMatchObject({ outcome: "fraud", note: "test card, confirmed by the e2e test" });
    expect(kept.label).toMatchObject({ label: "fraud", source: "manual_review" });
    const queue = await get<{ reviews: { transaction_id: string }[] }>("/v1/reviews?limit=100", DEMO_SECRET_KEY);
    expect(queue.reviews.map((r) => r.transaction_id)).not.toContain(reviewId);
    await page.close();
  });
});
