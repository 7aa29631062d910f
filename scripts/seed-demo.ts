/**
 * The demo merchant and its FIXED API keys (docs/auth.md § Local demo), stored idempotently so the README's
 * requests and the example checkout page work against `npm run dev` unchanged. Test keys only: a live deployment
 * refuses them, and they are public — never store them in a database anything real reads.
 *   npx tsx scripts/seed-demo.ts     (UPSTASH_REDIS_REST_URL/TOKEN default to the local stack's)
 */
import { isMain, runMain } from "./cli";
import { recordFor, type KeySpec } from "../src/auth/key-lifecycle";
import type { ApiKeyRecord } from "../src/auth/key-record";
import { RedisKeyStore } from "../src/auth/keys/redis";
import { LOCAL_DEFAULTS } from "./local/stack";

export const DEMO_MERCHANT_ID = "m_demo";
/** `npm run dev`'s ADMIN_TOKEN (the model registry's routes): like the demo keys, for a local run only. */
export const DEV_ADMIN_TOKEN = "admin_token_local_dev_only_000000000";
/** The metrics token `npm run dev` and `npm start` give the scorer (GET /metrics, the dashboard): local only, public. */
export const DEV_METRICS_TOKEN = "metrics_token_local_dev_only_00000";
export const DEMO_SECRET_KEY = "sk_test_demo_00000000000000000000000000";
export const DEMO_PUBLISHABLE_KEY = "pk_test_demo_00000000000000000000000000";
/** The scorer under `npm run dev` (for /docs) and the example checkout page (examples/checkout, port 8788). */
export const DEMO_ORIGINS = ["http://127.0.0.1:8787", "http://localhost:8787", "http://127.0.0.1:8788", "http://localhost:8788"];

export interface RedisEnv {
  UPSTASH_REDIS_REST_URL: string;
  UPSTASH_REDIS_REST_TOKEN: string;
}

/** A key whose string is chosen in advance (demo and test fixtures), with what it may do. */
export interface FixedKey {
  key: string;
  spec: KeySpec;
}

/**
 * A second demo shop, `m_demo_shop2`: the network's signals are about other merchants (docs/feedback.md#network-memory),
 * so the README shows a fraud confirmed at one shop raising the score at the other.
 */
export const DEMO_SHOP2_MERCHANT_ID = "m_demo_shop2";
export const DEMO_SHOP2_SECRET_KEY = "sk_test_shop2_0000000000000000000000000";

export const DEMO_KEYS: FixedKey[] = [
  { key: DEMO_SECRET_KEY, spec: { kind: "secret", mode: "test", merchantId: DEMO_MERCHANT_ID, label: "demo secret key (local only)" } },
  {
    key: DEMO_PUBLISHABLE_KEY,
    spec: { kind: "publishable", mode: "test", merchantId: DEMO_MERCHANT_ID, allowedOrigins: DEMO_ORIGINS, label: "demo publishable key (local only)" },
  },
  { key: DEMO_SHOP2_SECRET_KEY, spec: { kind: "secret", mode: "test", merchantId: DEMO_SHOP2_MERCHANT_ID, label: "demo shop 2 secret key (local only)" } },
];

/**
 * The benchmarks' key (`npm start -- --bench`): merchant m_bench, a limit that never binds (1,000,000 per minute).
 * A test key, and only ever seeded into a local stack.
 */
export const BENCH_MERCHANT_ID = "m_bench";
export const BENCH_KEY: FixedKey = {
  key: "sk_test_bench_0000000000000000000000000",
  spec: { kind: "secret", mode: "test", merchantId: BENCH_MERCHANT_ID, label: "benchmarks (local only)", rateLimit: { requests: 1_000_000, window_s: 60 } },
};

/**
 * The demo merchant's key for replayed traffic (`npm run ab-report -- --send`): the demo key's 100 a minute would
 * throttle a replay, so this one's limit never binds. Seeded by `npm run dev` and `npm start`, local only.
 */
export const REPLAY_KEY: FixedKey = {
  key: "sk_test_demo_replay_000000000000000000",
  spec: { kind: "secret", mode: "test", merchantId: DEMO_MERCHANT_ID, label: "demo traffic replays (local only)", rateLimit: { requests: 1_000_000, window_s: 60 } },
};

/** A fixed creation time keeps the stored records byte-identical across runs: seeding twice changes nothing. */
const SEEDED_AT = new Date("2026-01-01T00:00:00Z");

/** The stored records of the keys (digests only): what `seedKeys` writes, or what SEED_API_KEYS carries to a memory key store. */
export function recordsFor(keys: readonly FixedKey[]): Promise<ApiKeyRecord[]> {
  return Promise.all(keys.map(({ key, spec }) => recordFor(key, spec, SEEDED_AT)));
}

/** Stores each key as specified (replacing an earlier record of it, e.g. a revoked demo key comes back). */
export async function seedKeys(env: RedisEnv, keys: readonly FixedKey[]): Promise<void> {
  const store = new RedisKeyStore({ url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN, timeoutMs: 10_000 });
  for (const record of await recordsFor(keys)) await store.put(record);
}

/** The demo merchant `m_demo` with DEMO_SECRET_KEY and DEMO_PUBLISHABLE_KEY (allowed from DEMO_ORIGINS), and the second shop. */
export function seedDemoMerchant(env: RedisEnv): Promise<void> {
  return seedKeys(env, DEMO_KEYS);
}

async function main(): Promise<void> {
  const env = {
    UPSTASH_REDIS_REST_URL: process.env.UPSTASH_REDIS_REST_URL ?? `http://127.0.0.1:${LOCAL_DEFAULTS.redisRestPort}`,
    UPSTASH_REDIS_REST_TOKEN: process.env.UPSTASH_REDIS_REST_TOKEN ?? LOCAL_DEFAULTS.redisToken,
  };
  await seedDemoMerchant(env);
  console.log(`seeded demo merchant ${DEMO_MERCHANT_ID} at ${env.UPSTASH_REDIS_REST_URL}`);
  console.log(`  secret key       ${DEMO_SECRET_KEY}`);
  console.log(`  publishable key  ${DEMO_PUBLISHABLE_KEY}  (origins: ${DEMO_ORIGINS.join(", ")})`);
}

if (isMain(import.meta.url)) runMain(main, (e) => (e instanceof Error ? e.message : e));
