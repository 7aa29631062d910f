import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckoutServer } from "../../examples/checkout/serve";
import { issueKey } from "../../src/auth/key-lifecycle";
import { RedisKeyStore } from "../../src/auth/keys/redis";
import { runKeys } from "../../scripts/keys";
import { DEMO_MERCHANT_ID, DEMO_SECRET_KEY, seedDemoMerchant } from "../../scripts/seed-demo";
import { startE2E, tryCheckoutServer, type E2E } from "./harness";

let e2e: E2E;
let shop: CheckoutServer; // the merchant's site: its origin is listed on the publishable key
let stranger: CheckoutServer; // another site that copied the key: its origin is not
let demoShop: CheckoutServer | undefined; // the demo page on its documented port (8788), when free

const merchant = `m_e2e_${Date.now().toString(36)}`;
const origin = (s: CheckoutServer) => `http://127.0.0.1:${s.port}`;
const keyStore = () => new RedisKeyStore({ url: e2e.stack.env.UPSTASH_REDIS_REST_URL, token: e2e.stack.env.UPSTASH_REDIS_REST_TOKEN, timeoutMs: 5000 });

beforeAll(async () => {
  // Revocation is checked below; a short key cache keeps that test short (production default: 30 s).
  e2e = await startE2E({ AUTH_KEY_CACHE_TTL_MS: "500" });
  shop = (await tryCheckoutServer())!;
  stranger = (await tryCheckoutServer())!;
  demoShop = await tryCheckoutServer(8788);
  await seedDemoMerchant(e2e.stack.env);
});

afterAll(async () => {
  for (const s of [shop, stranger, demoShop]) await s?.close();
  await e2e?.stop();
});

interface Shown {
  ok: boolean;
  decision: string;
  text: string;
  details: Record<string, unknown>;
}

/** Fills the example checkout, presses Pay and reads what the page shows once the script has answered. */
async function payOn(page: Page, card: string): Promise<Shown> {
  await page.fill("#card", card);
  await page.click("#pay");
  // The page re-enables Pay once the script has answered (a string: it runs in the page, not in Node).
  await page.waitForFunction(`!document.getElementById("pay").disabled && document.getElementById("decision").dataset.decision !== ""`);
  return {
    ok: (await page.getAttribute("#decision", "data-ok")) === "true",
    decision: (await page.getAttribute("#decision", "data-decision")) ?? "",
    text: (await page.textContent("#decision")) ?? "",
    details: JSON.parse((await page.textContent("#result")) ?? "null") as Record<string, unknown>,
  };
}

async function openCheckout(site: CheckoutServer, key?: string): Promise<Page> {
  const page = await e2e.browser.newPage();
  const query = new URLSearchParams({ api: e2e.api, ...(key && { key }) });
  await page.goto(`${origin(site)}/?${query}`);
  return page;
}

async function secretKey(): Promise<string> {
  return (await issueKey(keyStore(), { kind: "secret", mode: "test", merchantId: merchant })).key;
}

describe("checkout page → publishable key → /v1/score, in Chromium", () => {
  it("scores from the merchant's origin and hands the page a decision; the transaction is the key merchant's", async () => {
    const { key } = await issueKey(keyStore(), { kind: "publishable", mode: "test", merchantId: merchant, allowedOrigins: [origin(shop)] });
    const page = await openCheckout(shop, key);
    const card = `card_fp_e2e_${Date.now().toString(36)}`;
    const shown = await payOn(page, card);
    expect(shown.ok, shown.text).toBe(true);
    expect(["approve", "review", "decline"]).toContain(shown.decision);
    expect(shown.details).toMatchObject({ decision: shown.decision, degraded: [] });

    // From the merchant's server: the scorer recorded it for this merchant, with the device id the script keeps.
    const res = await fetch(`${e2e.api}/v1/entities/card/${card}`, { headers: { authorization: `Bearer ${await secretKey()}` } });
    expect(res.status).toBe(200);
    const entity = (await res.json()) as { events: { merchant_id: string; device_id: string; transaction_id: string }[] };
    expect(entity.events).toHaveLength(1);
    expect(entity.events[0]).toMatchObject({ merchant_id: merchant, transaction_id: shown.details.transaction_id });
    expect(entity.events[0]!.device_id).toMatch(/^dev_[0-9a-f]{32}$/);
    await page.close();
  });

  it("from a site the key does not list, the browser withholds the answer and the page falls back", async () => {
    const { key } = await issueKey(keyStore(), { kind: "publishable", mode: "test", merchantId: merchant, allowedOrigins: [origin(shop)] });
    const page = await openCheckout(stranger, key);
    const blocked: string[] = [];
    page.on("console", (m) => m.text().includes("CORS") && blocked.push(m.text()));
    const shown = await payOn(page, "card_fp_e2e_stranger");
    expect(shown.ok).toBe(false);
    expect(shown.decision).toBe("review");
    expect(shown.details).toMatchObject({ kind: "network" });
    expect(blocked.join("\n")).toContain("Access-Control-Allow-Origin");
    await page.close();
  });

  it("a rate-limited page can read Retry-After (exposed by CORS) and still gets a decision", async () => {
    const { key } = await issueKey(keyStore(), {
      kind: "publishable",
      mode: "test",
      merchantId: merchant,
      allowedOrigins: [origin(shop)],
      rateLimit: { requests: 1, window_s: 60 },
    });
    const page = await openCheckout(shop, key);
    expect((await payOn(page, "card_fp_e2e_rl")).ok).toBe(true);
    const limited = await payOn(page, "card_fp_e2e_rl");
    expect(limited.ok).toBe(false);
    expect(limited.decision).toBe("review");
    expect(limited.details).toMatchObject({ kind: "rate_limited", status: 429, code: "rate_limited" });
    expect(limited.details.retryAfter).toBeGreaterThan(0);
    await page.close();
  });

  it("the example page with its defaults works against the seeded demo merchant", async (ctx) => {
    if (!demoShop) return ctx.skip("port 8788 is taken (a running `npm run dev`?)");
    const page = await openCheckout(demoShop);
    const shown = await payOn(page, `card_fp_demo_${Date.now().toString(36)}`);
    expect(shown.ok, shown.text).toBe(true);
    await page.close();
  });
});

describe("server → secret key → API", () => {
  it("a key made with the key tool scores from a server; revoked, it is refused once the cache expires", async () => {
    const [created] = await runKeys(["create", "--merchant", merchant, "--kind", "secret", "--json"], e2e.stack.env);
    const { key, record } = JSON.parse(created!) as { key: string; record: { id: string } };
    const score = () =>
      fetch(`${e2e.api}/v1/score`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ transaction_id: `txn_srv_${crypto.randomUUID()}`, amount: 1999, currency: "EUR", card: { fingerprint: "card_fp_srv" } }),
      });
    const res = await score();
    expect(res.status).toBe(200);
    expect(res.headers.get("ratelimit-limit")).toBe("100");
    expect(res.headers.get("server-timing")).toMatch(/auth;dur=[\d.]+/);
    expect(res.headers.get("server-timing")).toMatch(/ratelimit;dur=[\d.]+/);

    await runKeys(["revoke", "--merchant", merchant, "--id", record.id], e2e.stack.env);
    await new Promise((r) => setTimeout(r, 600));
    expect((await score()).status).toBe(401);
  });

  it("the README's demo request works unchanged against the seeded demo merchant", async () => {
    const res = await fetch(`${e2e.api}/v1/score`, {
      method: "POST",
      headers: { authorization: `Bearer ${DEMO_SECRET_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({
        transaction_id: `txn_demo_${Date.now().toString(36)}`,
        amount: 129900,
        currency: "USD",
        merchant: { id: DEMO_MERCHANT_ID, category: "5732", country: "US" },
        card: { fingerprint: "card_fp_demo_1", bin: "424242", country: "US" },
        customer: { id: "cus_demo_1", email_domain: "example.com", account_age_days: 2 },
        device: { id: "dev_demo_1", ip: "203.0.113.7", ip_country: "NG" },
        billing_country: "US",
        shipping_country: "NG",
        channel: "web",
      }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { decision: string }).decision).toMatch(/^(approve|review|decline)$/);
  });
});
