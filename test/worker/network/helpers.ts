import { inject } from "vitest";
import type { EntityKind, EntityState } from "../../../src/features";
import { RedisFeatureStore } from "../../../src/store/redis";

/**
 * The shared behavioural state as Redis holds it — what every merchant's scores are computed from — read straight
 * from the local stack, beside the API: the attacks in this folder are judged by what they leave there.
 */
export async function sharedState(kind: EntityKind, id: string): Promise<EntityState | null> {
  return new RedisFeatureStore({ url: inject("redisRestUrl"), token: inject("redisRestToken"), timeoutMs: 5000 }).entity(kind, id);
}

/** The local Upstash REST endpoint's fault switch: every reply leaves `delayMs` late after its command ran. */
export async function delayRedisReplies(delayMs: number): Promise<void> {
  const res = await fetch(`${inject("redisRestUrl")}/__fault`, { method: "POST", body: JSON.stringify({ delayMs }) });
  if (!res.ok) throw new Error(`__fault answered ${res.status}`);
  await res.body?.cancel();
}

export const unique = (prefix: string) => `${prefix}_${crypto.randomUUID().slice(0, 12)}`;

/** An IPv4 address no other test uses, so its behavioural history is this test's own. */
export const uniqueIp = () => `10.${[...crypto.getRandomValues(new Uint8Array(3))].join(".")}`;
