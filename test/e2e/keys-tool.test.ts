import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keyDigest } from "../../src/auth/hash";
import type { ApiKeyRecord } from "../../src/auth/key-record";
import { RedisKeyStore } from "../../src/auth/keys/redis";
import { parseDuration, parseLimit, runKeys, UsageError } from "../../scripts/keys";
import { DEMO_KEYS, seedDemoMerchant } from "../../scripts/seed-demo";
import { startLocalStack, type LocalStack } from "../../scripts/local/stack";

/** The key tool and the demo seeding against the local stack (a real redis-server), in-process. */
let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack();
});
afterAll(() => stack?.stop());

const keys = (...argv: string[]) => runKeys(argv, stack.env);
const json = async <T>(...argv: string[]) => JSON.parse((await keys(...argv, "--json")).join("\n")) as T;

describe("scripts/keys.ts", () => {
  it("create prints the key once and stores only its digest, with what it may do", async () => {
    const { key, record } = await json<{ key: string; record: ApiKeyRecord }>(
      "create", "--merchant", "m_tool", "--kind", "publishable", "--origin", "https://Shop.Example.com/", "--limit", "10/1m", "--label", "web",
    );
    expect(key).toMatch(/^pk_test_[0-9A-Za-z]{32}$/);
    expect(record).toMatchObject({
      kind: "publishable",
      mode: "test",
      merchant_id: "m_tool",
      scopes: ["score"],
      allowed_origins: ["https://shop.example.com"],
      rate_limit: { requests: 10, window_s: 60 },
      label: "web",
      sha256: await keyDigest(key),
    });
    const stored = await new RedisKeyStore({ url: stack.env.UPSTASH_REDIS_REST_URL, token: stack.env.UPSTASH_REDIS_REST_TOKEN, timeoutMs: 5000 }).get(record.sha256);
    expect(JSON.stringify(stored)).not.toContain(key);
    const human = await keys("create", "--merchant", "m_tool", "--kind", "secret");
    expect(human.join("\n")).toMatch(/^sk_test_[0-9A-Za-z]{32}$/m);
    expect(human.join("\n")).toContain("only time the key is shown");
  });

  it("list, rotate with a grace period, revoke", async () => {
    const { record: old } = await json<{ record: ApiKeyRecord }>("create", "--merchant", "m_rot", "--kind", "secret", "--scope", "score", "--scope", "stats:read");
    const before = Date.now();
    const rotated = await json<{ key: string; record: ApiKeyRecord; old: ApiKeyRecord }>("rotate", "--merchant", "m_rot", "--id", old.id, "--grace", "1h");
    expect(rotated.record.scopes).toEqual(["score", "stats:read"]);
    expect(rotated.record.id).not.toBe(old.id);
    expect(Date.parse(rotated.old.revoked_at!) - before).toBeGreaterThanOrEqual(3600_000 - 1000);

    const revoked = await json<ApiKeyRecord>("revoke", "--merchant", "m_rot", "--key", rotated.key);
    expect(Date.parse(revoked.revoked_at!)).toBeLessThanOrEqual(Date.now());
    const listed = await json<ApiKeyRecord[]>("list", "--merchant", "m_rot");
    expect(listed.map((r) => r.id).sort()).toEqual([old.id, rotated.record.id].sort());
    expect((await keys("list", "--merchant", "m_rot")).join("\n")).toMatch(/expires .*\n.*revoked /);
  });

  it("refuses what makes no sense, saying why", async () => {
    await expect(keys("create", "--merchant", "m_x", "--kind", "secret", "--origin", "https://a.example")).rejects.toThrow(/take no allowed origins/);
    await expect(keys("create", "--merchant", "m_x", "--kind", "publishable")).rejects.toThrow(/at least one allowed origin/);
    await expect(keys("create", "--merchant", "m_x", "--kind", "publishable", "--origin", "https://a.example/checkout")).rejects.toThrow(/not an origin/);
    await expect(keys("create", "--merchant", "m_x", "--kind", "admin")).rejects.toBeInstanceOf(UsageError);
    await expect(keys("revoke", "--merchant", "m_x", "--id", "key_0000000000000000")).rejects.toThrow(/has no key/);
    await expect(keys("list")).rejects.toBeInstanceOf(UsageError);
    expect(parseLimit("5000/1h")).toEqual({ requests: 5000, window_s: 3600 });
    expect(() => parseLimit("fast")).toThrow(UsageError);
    expect(parseDuration("7d")).toBe(7 * 86_400_000);
  });
});

describe("seedDemoMerchant", () => {
  it("stores the fixed demo keys, idempotently (byte-identical records), and restores a revoked one", async () => {
    await seedDemoMerchant(stack.env);
    const first = await json<ApiKeyRecord[]>("list", "--merchant", "m_demo");
    await keys("revoke", "--merchant", "m_demo", "--key", DEMO_KEYS[0]!.key);
    await seedDemoMerchant(stack.env);
    expect(await json<ApiKeyRecord[]>("list", "--merchant", "m_demo")).toEqual(first);
    expect(first.map((r) => r.kind).sort()).toEqual(["publishable", "secret"]);
    expect(first.every((r) => r.revoked_at === undefined)).toBe(true);
  });
});
