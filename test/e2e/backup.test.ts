import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backup, restore, type Target } from "../../scripts/backup";
import { modelsCommand } from "../../scripts/models";
import { DEMO_KEYS, DEV_ADMIN_TOKEN, seedKeys, type FixedKey } from "../../scripts/seed-demo";
import { renamedFixtureModel, startE2E, type E2E } from "./harness";

/**
 * `npm run backup` / `npm run restore` round trip: deployment A (a local stack and a Worker with its own R2) gets
 * what the product cannot recompute — a merchant's own API key, a list entry, a rule and thresholds, a published
 * model routed as a shadow, a labelled transaction, a case in the review queue — and is backed up; deployment B,
 * empty (another redis-server, another R2), is restored from the file and must then behave as A did.
 */
const run = Date.now().toString(36);
const KEY: FixedKey = { key: `sk_test_backup_${run}_00000000000000`.slice(0, 40), spec: { kind: "secret", mode: "test", merchantId: "m_backup", label: "backup test", rateLimit: { requests: 100_000, window_s: 60 } } };
let a: E2E;
let b: E2E;
let dir: string;
let version: string;
let model: string;

const targetOf = (e: E2E): Target => ({ redis: { url: e.stack.env.UPSTASH_REDIS_REST_URL!, token: e.stack.env.UPSTASH_REDIS_REST_TOKEN! }, scorer: { base: e.api, adminToken: DEV_ADMIN_TOKEN } });
const call = async (e: E2E, method: string, path: string, body?: unknown, token = KEY.key) => {
  const res = await fetch(`${e.api}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { "content-type": "application/json" }) }, ...(body !== undefined && { body: JSON.stringify(body) }) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { [k: string]: any } };
};
/** A command on a deployment's Redis, over its Upstash REST endpoint. */
const redisCall = async (e: E2E, command: (string | number)[]): Promise<any> => {
  const res = await fetch(e.stack.env.UPSTASH_REDIS_REST_URL!, { method: "POST", headers: { authorization: `Bearer ${e.stack.env.UPSTASH_REDIS_REST_TOKEN}` }, body: JSON.stringify(command) });
  return ((await res.json()) as { result: unknown }).result;
};
const tx = (id: string, card: string) => ({ transaction_id: id, amount: 4200, currency: "USD", card: { fingerprint: card }, customer: { id: `cus_${id}` } });

beforeAll(async () => {
  a = await startE2E({ ADMIN_TOKEN: DEV_ADMIN_TOKEN }, { persist: mkdtempSync(join(tmpdir(), "backup-a-")) });
  b = await startE2E({ ADMIN_TOKEN: DEV_ADMIN_TOKEN }, { persist: mkdtempSync(join(tmpdir(), "backup-b-")) });
  await seedKeys(a.stack.env, [...DEMO_KEYS, KEY]);
  dir = mkdtempSync(join(tmpdir(), "backup-"));
  // A model version of its own (the seed-7 fixture, renamed), as the lifecycle test publishes it.
  version = `1.0.0-backup.${run}`;
  model = renamedFixtureModel(version);
}, 240_000);

afterAll(async () => {
  await a?.stop();
  await b?.stop();
});

describe("backup and restore", () => {
  it("what deployment A cannot recompute, restored into an empty deployment B, makes B behave as A", async () => {
    const env = { SCORER_URL: a.api, ADMIN_TOKEN: DEV_ADMIN_TOKEN };
    expect(await modelsCommand(["publish", model], env)).toMatch(/^published/);
    await modelsCommand(["shadow", version], env);
    const blocked = `card_fp_blocked_${run}`;
    expect((await call(a, "POST", "/v1/lists/entries", { kind: "card_fingerprint", value: blocked, action: "block", note: "chargeback ring" })).status).toBe(201);
    expect((await call(a, "POST", "/v1/rules", { name: "very large", expression: "tx.amount_usd > 9000.0", action: "review", enabled: true })).status).toBe(201);
    expect((await call(a, "PUT", "/v1/policy/thresholds", { review: 0.000001, decline: 0.99 })).status).toBe(200);
    // With a review threshold that low every score is a review: T2 waits in the queue; T1 gets a chargeback.
    expect((await call(a, "POST", "/v1/score", tx(`txn_bk1_${run}`, `card_fp_1_${run}`))).status).toBe(200);
    expect((await call(a, "POST", "/v1/score", tx(`txn_bk2_${run}`, `card_fp_2_${run}`))).body.decision).toBe("review");
    await new Promise((r) => setTimeout(r, 1_000)); // the records are written after the answer
    const labelled = await call(a, "POST", "/v1/feedback", { labels: [{ transaction_id: `txn_bk1_${run}`, label: "fraud", source: "chargeback", learnt_at: new Date().toISOString() }] });
    expect(labelled.body.results[0].status).toBe("applied");
    const before = {
      policy: (await call(a, "GET", "/v1/policy")).body,
      routing: (await call(a, "GET", "/v1/admin/models/routing", undefined, DEV_ADMIN_TOKEN)).body,
      models: (await call(a, "GET", "/v1/admin/models", undefined, DEV_ADMIN_TOKEN)).body,
      t1: (await call(a, "GET", `/v1/transactions/txn_bk1_${run}`)).body,
      reviews: (await call(a, "GET", "/v1/reviews")).body,
    };

    const file = join(dir, "backup.jsonl");
    const made = await backup(targetOf(a), file, () => {});
    expect(made.models).toBe(1);
    expect(made.byWhat).toMatchObject({ "api keys": expect.any(Number), policy: expect.any(Number), "model routing": expect.any(Number), "transaction records and labels": expect.any(Number), "review queues": 1 });
    // Digests only: the backup holds no API key and no card number.
    const text = readFileSync(file, "utf8");
    expect(text).not.toContain(KEY.key);

    // B is empty (asked of its Redis: asking B itself would cache the key as unknown for 30 s).
    expect(await redisCall(b, ["dbsize"])).toBe(0);
    const restored = await restore(targetOf(b), file, { log: () => {} });
    expect(restored).toMatchObject({ written: made.keys, kept: 0, modelsPublished: 1, modelsPresent: 0 });

    // B behaves as A: the key, the policy, the routing, the model, the label, the review queue.
    expect((await call(b, "GET", "/v1/policy")).body).toEqual(before.policy);
    expect((await call(b, "GET", "/v1/admin/models/routing", undefined, DEV_ADMIN_TOKEN)).body.shadows).toEqual(before.routing.shadows);
    const modelsB = (await call(b, "GET", "/v1/admin/models", undefined, DEV_ADMIN_TOKEN)).body.models as { version: string; sha256: string }[];
    expect(modelsB.map((m) => [m.version, m.sha256])).toEqual((before.models.models as { version: string; sha256: string }[]).map((m) => [m.version, m.sha256]));
    expect((await call(b, "GET", `/v1/transactions/txn_bk1_${run}`)).body).toEqual(before.t1);
    expect((await call(b, "GET", "/v1/reviews")).body).toEqual(before.reviews);
    const decided = await call(b, "POST", "/v1/score", tx(`txn_bk3_${run}`, blocked));
    expect(decided.body).toMatchObject({ decision: "decline", decision_source: "list" });
    // The shadow restored in the routing scores B's traffic: the restored model is loaded and served.
    expect(decided.body.degraded).toEqual([]);

    // A record keeps the time to live it had left.
    const ttl = await redisCall(b, ["pttl", `txn:v1:8:m_backup:txn_bk1_${run}`]);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(await redisCall(a, ["pttl", `txn:v1:8:m_backup:txn_bk1_${run}`]) + 60_000);

    // Restoring again changes nothing (existing keys are kept unless --force).
    const again = await restore(targetOf(b), file, { log: () => {} });
    expect(again).toMatchObject({ written: 0, kept: made.keys, modelsPublished: 0, modelsPresent: 1 });

    // A key revoked since the backup stays revoked, even with --force.
    const recordKey = (text.split("\n").map((l) => (l ? (JSON.parse(l) as { key?: string; value?: string }) : {})).find((l) => l.key?.startsWith("auth:v1:key:") && l.value?.includes("m_backup")))!.key!;
    const record = JSON.parse((await redisCall(b, ["get", recordKey])) as string) as Record<string, unknown>;
    await redisCall(b, ["set", recordKey, JSON.stringify({ ...record, revoked_at: new Date().toISOString() })]);
    const forced = await restore(targetOf(b), file, { force: true, log: () => {} });
    expect(forced.keptRevoked).toBe(1);
    expect(JSON.parse((await redisCall(b, ["get", recordKey])) as string)).toHaveProperty("revoked_at");

    // A file cut short is refused before anything is written.
    const cut = join(dir, "cut.jsonl");
    writeFileSync(cut, text.split("\n").slice(0, -3).join("\n"));
    await expect(restore(targetOf(b), cut, { log: () => {} })).rejects.toThrow(/cut short/);
  }, 180_000);
});
