import { describe, expect, inject, it } from "vitest";
import { appWith, kafkaEnv } from "../alerts/kafka";
import { TEST_METRICS_TOKEN } from "../auth/keys";
import { bearer } from "../helpers";

/** Requests each local endpoint (Upstash Redis REST, Kafka REST stand-in) has served; both count them. */
async function upstreamRequests(): Promise<{ redis: number; kafka: number }> {
  const count = async (url: string) => ((await (await fetch(`${url}/__stats`)).json()) as { requests: number }).requests;
  return { redis: await count(inject("redisRestUrl")), kafka: await count(inject("kafkaRestUrl")) };
}

/** Earlier tests' after-response work (alert retries, answer writes) may still be landing: wait until it has. */
async function quietUpstream(): Promise<void> {
  let last = await upstreamRequests();
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 200));
    const now = await upstreamRequests();
    if (now.redis === last.redis && now.kafka === last.kafka) return;
    last = now;
  }
}

interface Health {
  status: string;
  checked_at: string;
  checks: Record<string, { status: string }>;
}

/** What `calls` /health calls (half at once, half one after another) cost upstream, on a fresh isolate's services. */
async function healthCalls(cacheMs: string, calls: number) {
  const app = appWith({ ...kafkaEnv(), HEALTH_CACHE_MS: cacheMs });
  // The checks are the operator's (METRICS_TOKEN); the public answer is the status alone.
  const request = (path: string) => app(path, { headers: bearer(TEST_METRICS_TOKEN) });
  const first = await (await request("/health")).json<Health>();
  expect(first.checks.redis!.status).toBe("ok");
  expect(first.checks.kafka!.status).toBe("ok");
  await quietUpstream();
  const before = await upstreamRequests();
  const concurrent = await Promise.all(Array.from({ length: calls / 2 }, () => request("/health").then((r) => r.json<Health>())));
  const sequential: Health[] = [];
  for (let i = 0; i < calls / 2; i++) sequential.push(await (await request("/health")).json<Health>());
  const after = await upstreamRequests();
  return { first, answers: [...concurrent, ...sequential], redis: after.redis - before.redis, kafka: after.kafka - before.kafka };
}

describe("GET /health is public, so its upstream probes are shared", () => {
  it("within HEALTH_CACHE_MS, 20 more calls reach neither Redis nor Kafka, and say when the checks ran", async () => {
    const run = await healthCalls("60000", 20);
    expect({ redis: run.redis, kafka: run.kafka }).toEqual({ redis: 0, kafka: 0 });
    for (const a of run.answers) expect(a.checked_at).toBe(run.first.checked_at);
  });

  it("with HEALTH_CACHE_MS=0 every call probes again (the control: the counters do see /health)", async () => {
    const run = await healthCalls("0", 20);
    expect(run.redis).toBeGreaterThanOrEqual(20);
    expect(run.kafka).toBeGreaterThanOrEqual(20);
  });
});
