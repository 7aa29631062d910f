import { SELF, createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { inject } from "vitest";
import { createApp } from "../../../src/app";
import { issueKey, revokeKey, type KeySpec } from "../../../src/auth/key-lifecycle";
import type { ApiKeyRecord } from "../../../src/auth/key-record";
import { RedisKeyStore } from "../../../src/auth/keys/redis";
import { BASE, bearer } from "../helpers";

/** The key store the test Worker reads (the real redis-server behind the local REST endpoint). */
export const keyStore = () => new RedisKeyStore({ url: inject("redisRestUrl"), token: inject("redisRestToken"), timeoutMs: 5000 });

/** A fresh merchant id per call, so tests never share keys, limits or behavioural state. */
export const freshMerchant = (name: string) => `m_${name}_${crypto.randomUUID().slice(0, 8)}`;

export async function newKey(spec: Partial<KeySpec> & Pick<KeySpec, "kind">): Promise<{ key: string; record: ApiKeyRecord }> {
  return issueKey(keyStore(), { mode: "test", merchantId: freshMerchant("auth"), ...spec });
}

export const revoke = (record: ApiKeyRecord, at?: Date) => revokeKey(keyStore(), record, at);

export interface CallOptions {
  method?: string;
  key?: string;
  origin?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A request to the test Worker with exactly the credentials given (none unless `key`). */
export function call(path: string, opts: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { ...(opts.key && bearer(opts.key)), ...(opts.origin && { origin: opts.origin }), ...opts.headers };
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  return SELF.fetch(`${BASE}${path}`, {
    method: opts.method ?? (opts.body === undefined ? "GET" : "POST"),
    headers,
    ...(opts.body !== undefined && { body: JSON.stringify(opts.body) }),
  });
}

/** A transaction without `merchant` (the key supplies it). */
export function bareTransaction(): Record<string, unknown> {
  const n = crypto.randomUUID().slice(0, 12);
  return { transaction_id: `txn_auth_${n}`, amount: 2500, currency: "USD", card: { fingerprint: `fp_auth_${n}` } };
}

/** Every protected route, with a request that would succeed given the right key. */
export const PROTECTED_ROUTES = [
  { name: "POST /v1/score", path: "/v1/score", body: bareTransaction, keys: ["publishable", "secret"], scope: "score" },
  { name: "POST /v1/score/batch", path: "/v1/score/batch", body: () => ({ transactions: [bareTransaction()] }), keys: ["secret"], scope: "score:batch" },
  { name: "GET /v1/entities/{type}/{id}", path: "/v1/entities/card/fp_nobody", body: undefined, keys: ["secret"], scope: "entities:read" },
  { name: "GET /v1/model", path: "/v1/model", body: undefined, keys: ["secret"], scope: "model:read" },
  { name: "GET /v1/stats", path: "/v1/stats", body: undefined, keys: ["secret"], scope: "stats:read" },
] as const;

/**
 * A request to a fresh app instance with other bindings than the test Worker's (e.g. a broken Redis or a short
 * key cache TTL). The isolate's key cache is shared with every app in this isolate, as in production.
 */
export async function callWith(bindings: Record<string, string>, path: string, opts: CallOptions = {}): Promise<Response> {
  const app = createApp();
  const ctx = createExecutionContext();
  const headers: Record<string, string> = { ...(opts.key && bearer(opts.key)), ...(opts.origin && { origin: opts.origin }), ...opts.headers };
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  const res = await app.fetch(
    new Request(`${BASE}${path}`, {
      method: opts.method ?? (opts.body === undefined ? "GET" : "POST"),
      headers,
      ...(opts.body !== undefined && { body: JSON.stringify(opts.body) }),
    }),
    { ...env, ...bindings },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Requests the local Upstash REST endpoint has served (it counts them per path). */
export async function redisRequests(): Promise<number> {
  return ((await (await fetch(`${inject("redisRestUrl")}/__stats`)).json()) as { requests: number }).requests;
}
