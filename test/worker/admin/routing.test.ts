import { env } from "cloudflare:test";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { bucketOf } from "../../../src/model/routing";
import type { ScoreResult } from "../../../src/schemas/score";
import { OTHER_SECRET_KEY, TEST_METRICS_TOKEN, TEST_ORIGIN, TEST_PUBLISHABLE_KEY, TEST_SECRET_KEY } from "../auth/keys";
import { callWith } from "../auth/helpers";
import { bearer, getWithKey, postJson, transaction, type ProblemBody } from "../helpers";
import { admin, bundledCard, candidate, publish, route, uniqueVersion } from "./registry";

/**
 * Model routing on the real path: versions published to the local R2 (Miniflare's), the routing in the local
 * redis-server, each score's round trip bringing the routing's stamp back. The seed-7 model
 * (test/fixtures/model-seed-7) scores differently from the bundled one, so the tests can tell who decided.
 * The routing is global: this file puts it back (deletes the key) when done, and the worker project runs its
 * files one at a time (project.ts), so no other file sees these changes.
 */
const BUNDLED = bundledCard.version;
const seven = candidate(uniqueVersion("1.0.0-seed7"), "seed7");
const twin = candidate(uniqueVersion("1.0.0-twin"));

/** Deletes a version's files from the local R2, leaving its summary: what the loader meets in an R2 outage. */
async function dropFiles(version: string): Promise<void> {
  const listed = await env.MODELS!.list({ prefix: `models/${version}/` });
  await env.MODELS!.delete(listed.objects.map((o) => o.key).filter((k) => !k.endsWith("summary.json")));
}

async function resetRouting(): Promise<void> {
  const res = await fetch(inject("redisRestUrl"), { method: "POST", headers: { authorization: `Bearer ${inject("redisRestToken")}` }, body: JSON.stringify(["DEL", "models:v1:routing"]) });
  expect(res.ok).toBe(true);
}

async function score(overrides: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<ScoreResult> {
  const res = await postJson("/v1/score", transaction(overrides), headers);
  expect(res.status).toBe(200);
  return res.json<ScoreResult>();
}

async function change(body: Record<string, unknown>): Promise<{ stamp: number; routing: { live: string; shadows: string[]; challenger: unknown; pins: Record<string, string> } }> {
  const res = await route(body);
  expect(res.status, JSON.stringify(await res.clone().json())).toBe(200);
  return res.json();
}

interface Observations {
  last: number;
  observations: { transaction_id: string; model: { version: string; role: string; score: number }; shadows: { version: string; score: number }[] }[];
}

/** The observations (the A/B report's input) of `ids`, once the after-answer work has recorded them. */
async function observed(ids: string[]): Promise<Observations["observations"]> {
  for (let i = 0; i < 50; i++) {
    const log = await (await admin("/v1/admin/models/observations?limit=5000")).json<Observations>();
    const mine = log.observations.filter((o) => ids.includes(o.transaction_id));
    if (mine.length === ids.length) return mine;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`observations of ${ids.join(",")} never appeared`);
}

beforeAll(async () => {
  await resetRouting();
  for (const c of [seven, twin]) expect((await publish(c)).status).toBe(201);
});
afterAll(resetRouting);

describe("model routing: happy path", () => {
  it("before any change the bundled model is live, and every answer names it", async () => {
    const out = await score();
    expect(out.model).toEqual({ id: bundledCard.id, version: BUNDLED, role: "live" });
    const model = await (await getWithKey("/v1/model")).json<{ version: string; routing: { live: string; shadows: string[] } }>();
    expect(model.version).toBe(BUNDLED);
    expect(model.routing).toMatchObject({ live: BUNDLED, shadows: [], challenger: null });
  });

  it("a shadow scores every transaction after the answer with its own model, and never decides", async () => {
    await change({ action: "shadow", version: seven.version });
    const answers = [];
    for (let i = 0; i < 8; i++) answers.push(await score({ amount: 1000 + i * 37_000 }));
    for (const a of answers) expect(a.model).toEqual({ id: bundledCard.id, version: BUNDLED, role: "live" });
    const obs = await observed(answers.map((a) => a.transaction_id));
    for (const o of obs) {
      const answer = answers.find((a) => a.transaction_id === o.transaction_id)!;
      expect(o.model).toMatchObject({ version: BUNDLED, role: "live", score: answer.score });
      expect(o.shadows.map((s) => s.version)).toEqual([seven.version]);
    }
    // Its own scores: the seed-7 model is another model, not the live one echoed.
    expect(obs.some((o) => Math.abs(o.shadows[0]!.score - o.model.score) > 1e-4)).toBe(true);
    const model = await (await getWithKey("/v1/model")).json<{ routing: { shadows: string[] } }>();
    expect(model.routing.shadows).toEqual([seven.version]);
  });

  it("promote takes effect on the very next score; rollback likewise, back to the previous live", async () => {
    const promoted = await change({ action: "promote", version: seven.version });
    expect(promoted.routing.live).toBe(seven.version);
    expect(promoted.routing.shadows).toEqual([]);
    const after = await score();
    expect(after.model).toEqual({ id: seven.card.id, version: seven.version, role: "live" });
    expect((await (await getWithKey("/v1/model")).json<{ version: string }>()).version).toBe(seven.version);

    const back = await change({ action: "rollback" });
    expect(back.routing.live).toBe(BUNDLED);
    expect((await score()).model).toEqual({ id: bundledCard.id, version: BUNDLED, role: "live" });
    const state = await (await admin("/v1/admin/models/routing")).json<{ routing: { history: { change: string }[] }; this_node: { version: string; state: string }[] }>();
    expect(state.routing.history.slice(0, 3).map((h) => h.change)).toEqual(["rollback", `promote ${seven.version}`, `shadow ${seven.version}`]);
    expect(state.this_node).toContainEqual(expect.objectContaining({ version: seven.version, state: "ready" }));
  });

  it("a challenger decides for its share of shoppers, by customer, the same model every time", async () => {
    await change({ action: "challenger", version: seven.version, share: 30 });
    const customers = Array.from({ length: 60 }, (_, i) => `cus_split_${i}`);
    const roles = new Map<string, string>();
    for (const id of customers) {
      const out = await score({ customer: { id } });
      const expected = bucketOf(seven.version, `cus:${id}`) < 3000 ? "challenger" : "live";
      expect(out.model.role).toBe(expected);
      expect(out.model.version).toBe(expected === "challenger" ? seven.version : BUNDLED);
      roles.set(id, out.model.role!);
    }
    // Deterministic: the same shoppers again (other cards, other amounts) see the same model.
    for (const id of customers.slice(0, 15)) expect((await score({ customer: { id }, amount: 777 })).model.role).toBe(roles.get(id));
    const share = [...roles.values()].filter((r) => r === "challenger").length / customers.length;
    expect(share).toBeGreaterThan(0.1);
    expect(share).toBeLessThan(0.55);
    // Without a customer the card decides the split.
    const fp = "card_fp_split_card_only";
    const byCard = await score({ customer: { id: undefined, email_domain: "example.com" }, card: { fingerprint: fp } });
    expect(byCard.model.role).toBe(bucketOf(seven.version, `card:${fp}`) < 3000 ? "challenger" : "live");
    await change({ action: "clear_challenger" });
  });

  it("a pin decides all of one merchant's traffic; other merchants keep the live model", async () => {
    await change({ action: "pin", merchant: "m_other", version: twin.version });
    const other = await score({ merchant: { id: "m_other" } }, bearer(OTHER_SECRET_KEY));
    expect(other.model).toEqual({ id: twin.card.id, version: twin.version, role: "pinned" });
    expect((await score()).model.version).toBe(BUNDLED);
    const seen = await (await getWithKey("/v1/model", bearer(OTHER_SECRET_KEY))).json<{ version: string; routing: { pinned?: string } }>();
    expect(seen).toMatchObject({ version: twin.version, routing: { pinned: twin.version } });
    expect((await (await getWithKey("/v1/model")).json<{ routing: { pinned?: string } }>()).routing.pinned).toBeUndefined();
    await change({ action: "unpin", merchant: "m_other" });
    expect((await score({ merchant: { id: "m_other" } }, bearer(OTHER_SECRET_KEY))).model.version).toBe(BUNDLED);
  });

  it("a pinned merchant's policy view shows its own model's thresholds, not the live model's", async () => {
    await change({ action: "pin", merchant: "m_other", version: seven.version });
    // A score of the merchant's: the edge node holds the routing (and the model) as of it.
    expect((await score({ merchant: { id: "m_other" } }, bearer(OTHER_SECRET_KEY))).model.version).toBe(seven.version);
    const thresholds = async (headers: Record<string, string>) => (await (await getWithKey("/v1/policy", headers)).json<{ model_thresholds: { review: number; decline: number } }>()).model_thresholds;
    expect(await thresholds(bearer(OTHER_SECRET_KEY))).toEqual({ review: seven.card.thresholds.review, decline: seven.card.thresholds.decline });
    expect(await thresholds({})).toEqual({ review: bundledCard.thresholds.review, decline: bundledCard.thresholds.decline });
    await change({ action: "unpin", merchant: "m_other" });
  });

  it("a batch split between live and challenger names each item's model, and each is scored by it", async () => {
    await change({ action: "challenger", version: seven.version, share: 50 });
    // Items alike but for their (fresh) entities and IP: the same feature row each, so each model gives one score.
    // IPs of this run's own (an IPv6 documentation prefix): other files' histories use the IPv4 test nets.
    const run = Math.floor(Math.random() * 0xffff).toString(16);
    const shaped = (i: number, tag: string) => transaction({ customer: { id: `cus_batch_${tag}_${i}` }, device: { ip: `2001:db8:7e57:${run}::${i + 1}` } });
    const items = Array.from({ length: 40 }, (_, i) => shaped(i, "split"));
    const res = await postJson("/v1/score/batch", { transactions: items });
    expect(res.status).toBe(200);
    const body = await res.json<{ results: ScoreResult[]; model: { version: string } }>();
    expect(body.model.version).toBe(BUNDLED);
    body.results.forEach((r, i) => expect(r.model.role).toBe(bucketOf(seven.version, `cus:cus_batch_split_${i}`) < 5000 ? "challenger" : "live"));
    const scoresOf = (role: string) => new Set(body.results.filter((r) => r.model.role === role).map((r) => r.score));
    expect(scoresOf("live").size).toBe(1);
    expect(scoresOf("challenger").size).toBe(1);
    const [live] = scoresOf("live");
    const [challenger] = scoresOf("challenger");
    expect(live).not.toBe(challenger);
    // The same row scored alone by each model (the merchant pinned to it) gives the batch's score for it.
    await change({ action: "clear_challenger" });
    for (const [k, [version, expected]] of ([[seven.version, challenger], [BUNDLED, live]] as const).entries()) {
      await change({ action: "pin", merchant: "m_test", version });
      const alone = await score(shaped(60 + k, "alone"));
      expect(alone.model).toMatchObject({ version, role: "pinned" });
      expect(alone.score).toBe(expected);
      await change({ action: "unpin", merchant: "m_test" });
    }
  });
});

describe("model routing: errors", () => {
  const refused = async (res: Response, status: number, code: string) => {
    expect(res.status).toBe(status);
    const body = await res.json<ProblemBody>();
    expect(body.code).toBe(code);
    return body;
  };

  it("a version neither published nor bundled → 422 naming the field, routing untouched", async () => {
    const before = await (await admin("/v1/admin/models/routing")).json<{ stamp: number }>();
    const body = await refused(await route({ action: "promote", version: "9.9.9-never-published" }), 422, "unknown_model_version");
    expect(body.errors?.[0]?.path).toBe("version");
    expect((await (await admin("/v1/admin/models/routing")).json<{ stamp: number }>()).stamp).toBe(before.stamp);
  });

  it("changes that make no sense → 409 routing_refused", async () => {
    await refused(await route({ action: "promote", version: BUNDLED }), 409, "routing_refused");
    await refused(await route({ action: "unshadow", version: seven.version }), 409, "routing_refused");
    await refused(await route({ action: "shadow", version: BUNDLED }), 409, "routing_refused");
    await refused(await route({ action: "clear_challenger" }), 409, "routing_refused");
  });

  it("rollback with no earlier live version → 409", async () => {
    await resetRouting();
    await refused(await route({ action: "rollback" }), 409, "routing_refused");
  });

  it("malformed changes → 400 with the field", async () => {
    const body = await refused(await route({ action: "challenger", version: seven.version, share: 80 }), 400, "validation_failed");
    expect(body.errors?.[0]?.path).toBe("share");
    await refused(await route({ action: "teleport" }), 400, "validation_failed");
    await refused(await route({ action: "promote", version: seven.version, extra: 1 }), 400, "validation_failed");
  });

  it("the bundled model's version cannot be published over it", async () => {
    await refused(await publish(candidate(BUNDLED)), 409, "conflict");
  });

  it("a published version this build cannot open (its files gone from R2) cannot be routed to: 422, routing untouched", async () => {
    const gone = candidate(uniqueVersion("1.0.0-gone"));
    expect((await publish(gone)).status).toBe(201);
    await dropFiles(gone.version);
    const before = await (await admin("/v1/admin/models/routing")).json<{ stamp: number }>();
    const body = await refused(await route({ action: "shadow", version: gone.version }), 422, "unknown_model_version");
    expect(body.errors?.[0]?.code).toBe("cannot_load");
    expect((await (await admin("/v1/admin/models/routing")).json<{ stamp: number }>()).stamp).toBe(before.stamp);
  });

  it("an edge node whose registry cannot serve the live version: the answer degrades to the bundled model, never fails", async () => {
    const broken = candidate(uniqueVersion("1.0.0-broken"));
    expect((await publish(broken)).status).toBe(201);
    await change({ action: "promote", version: broken.version });
    // What an R2 outage looks like to an edge node that does not hold the model yet (a fresh app: its own pool):
    // the version's summary is there, its files cannot be read.
    await dropFiles(broken.version);
    const res = await callWith({}, "/v1/score", { key: TEST_SECRET_KEY, body: transaction() });
    expect(res.status).toBe(200);
    const out = await res.json<ScoreResult>();
    expect(out.model).toEqual({ id: bundledCard.id, version: BUNDLED, role: "fallback" });
    expect(out.degraded).toContain("model_registry");
    expect(["approve", "review", "decline"]).toContain(out.decision);
    // This edge node, which loaded it before the outage, keeps serving it.
    expect((await score()).model).toEqual({ id: broken.card.id, version: broken.version, role: "live" });
    await change({ action: "rollback" });
    const healed = await callWith({}, "/v1/score", { key: TEST_SECRET_KEY, body: transaction() });
    const back = await healed.json<ScoreResult>();
    expect(back.degraded).not.toContain("model_registry");
    expect(back.model.role).toBe("live");
  });
});

describe("model routing: security", () => {
  it("routing changes and observations take the admin token only — not an API key, not the metrics token", async () => {
    for (const token of ["", TEST_METRICS_TOKEN, TEST_PUBLISHABLE_KEY, "sk_test_worker_suite_m_test_secret"]) {
      expect((await route({ action: "shadow", version: seven.version }, token || "x")).status).toBe(401);
      expect((await admin("/v1/admin/models/observations", { token: token || "x" })).status).toBe(401);
      expect((await admin("/v1/admin/models/routing", { token: token || "x" })).status).toBe(401);
    }
  });

  it("a checkout page is not told which model decided (it could shop for the lenient one by trying shopper ids)", async () => {
    await change({ action: "challenger", version: seven.version, share: 50 });
    for (let i = 0; i < 6; i++) {
      const res = await postJson("/v1/score", transaction({ customer: { id: `cus_pk_${i}` } }), { ...bearer(TEST_PUBLISHABLE_KEY), origin: TEST_ORIGIN });
      expect(res.status).toBe(200);
      const body = await res.json<Record<string, unknown>>();
      expect(body.model).toBeUndefined();
      expect(JSON.stringify(body)).not.toContain(seven.version);
    }
    await change({ action: "clear_challenger" });
  });

  it("a merchant named like an object's special keys cannot be pinned", async () => {
    for (const merchant of ["__proto__", "constructor"]) expect((await route({ action: "pin", merchant, version: twin.version })).status).toBe(400);
  });

  it("a merchant sees its own pin, never another merchant's", async () => {
    await change({ action: "pin", merchant: "m_other", version: twin.version });
    const mine = await (await getWithKey("/v1/model")).json<Record<string, unknown>>();
    expect(JSON.stringify(mine)).not.toContain("m_other");
    expect(JSON.stringify(mine)).not.toContain(twin.version);
    await change({ action: "unpin", merchant: "m_other" });
  });
});
