import { OpenAPIHono } from "@hono/zod-openapi";
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { servicesFor } from "../../../src/app";
import { recordFailures } from "../../../src/http/record-failures";
import { BLOBS, DOUBLES, ERROR_DECISION, MAX_POINTS_PER_INVOCATION } from "../../../src/analytics/schema";
import { ApiError, problemResponse } from "../../../src/errors/problem";
import type { AppEnv } from "../../../src/http/env";
import { appWith, postInit } from "../alerts/kafka";
import { BASE, transaction } from "../helpers";

/**
 * What the scorer writes to Analytics Engine. Locally miniflare's writeDataPoint drops points, so the tests bind
 * DECISIONS to a dataset object that keeps them.
 */
function recordingDataset() {
  const points: AnalyticsEngineDataPoint[] = [];
  return { points, dataset: { writeDataPoint: (p?: AnalyticsEngineDataPoint) => void points.push(p!) } satisfies AnalyticsEngineDataset };
}

const d = (p: AnalyticsEngineDataPoint, name: (typeof DOUBLES)[number]) => p.doubles![DOUBLES.indexOf(name)]!;
const b = (p: AnalyticsEngineDataPoint, name: (typeof BLOBS)[number]) => p.blobs![BLOBS.indexOf(name)];

interface Scored {
  transaction_id: string;
  score: number;
  decision: string;
  model: { version: string };
  timings: { total_ms: number };
}

describe("decision data points", () => {
  it("one scored transaction → one point with its merchant, decision, score, latency and USD amount", async () => {
    const { points, dataset } = recordingDataset();
    const request = appWith({ DECISIONS: dataset });
    const tx = transaction({ amount: 4999, currency: "USD", channel: "app", device: { ip_country: "GB" } });
    const res = await request("/v1/score", postInit(tx));
    const body = await res.json<Scored>();
    expect(points).toHaveLength(1);
    const [p] = points as [AnalyticsEngineDataPoint];
    expect(p.indexes).toEqual(["m_test"]);
    expect(b(p, "decision")).toBe(body.decision);
    expect(b(p, "model_version")).toBe(body.model.version);
    expect(b(p, "channel")).toBe("app");
    expect(b(p, "country")).toBe("GB");
    expect(d(p, "score")).toBe(body.score);
    expect(d(p, "latency_ms")).toBe(body.timings.total_ms);
    expect(d(p, "amount_usd")).toBeCloseTo(49.99, 9);
    expect(d(p, "weight")).toBe(1);
    expect(d(p, "features_recorded")).toBe(1);
    expect(d(p, "amount_usd_log")).toBeCloseTo(Math.log1p(49.99), 5);

    // The same transaction again is an idempotent replay, not a new decision.
    await request("/v1/score", postInit(tx));
    expect(points).toHaveLength(1);
  });

  it("a batch bigger than AE's per-invocation limit is aggregated, every transaction still counted", async () => {
    const { points, dataset } = recordingDataset();
    const request = appWith({ DECISIONS: dataset });
    const txs = Array.from({ length: 60 }, (_, i) => transaction({ amount: 1000 + i, channel: ["web", "app", "moto", "pos"][i % 4] }));
    const res = await request("/v1/score/batch", postInit({ transactions: txs }));
    const { results } = await res.json<{ results: Scored[] }>();
    expect(points.length).toBeLessThanOrEqual(MAX_POINTS_PER_INVOCATION);
    expect(points.reduce((s, p) => s + d(p, "weight"), 0)).toBe(60);
    const decisions = (list: string[]) => list.reduce<Record<string, number>>((m, x) => ({ ...m, [x]: (m[x] ?? 0) + 1 }), {});
    const fromPoints: Record<string, number> = {};
    for (const p of points) fromPoints[b(p, "decision") as string] = (fromPoints[b(p, "decision") as string] ?? 0) + d(p, "weight");
    expect(fromPoints).toEqual(decisions(results.map((r) => r.decision)));
  });

  it("without the binding, scoring is unaffected", async () => {
    const res = await appWith({ DECISIONS: undefined })("/v1/score", postInit(transaction()));
    expect(res.status).toBe(200);
  });
});

describe("failed score requests", () => {
  /** The middleware in an app whose score route fails as an unloadable model does (503). */
  function failingApp() {
    const app = new OpenAPIHono<AppEnv>();
    app.use(async (c, next) => {
      c.set("startedAt", performance.now());
      c.set("services", servicesFor(c.env));
      // The body names another merchant: failures are charged to the authenticated key's merchant, never the body's.
      c.set("body", { merchant: { id: "m_someone_else" } });
      c.set("principal", { keyId: "key_x", kind: "secret", mode: "test", merchantId: "m_fail", scopes: [], allowedOrigins: [], rateLimit: { requests: 1, window_s: 60 } });
      await next();
    });
    app.use(recordFailures);
    app.post("/v1/score", () => {
      throw new ApiError("model_unavailable");
    });
    app.post("/v1/other", () => {
      throw new ApiError("model_unavailable");
    });
    app.post("/v1/score/batch", () => {
      throw new ApiError("validation_failed");
    });
    app.onError((e, c) => problemResponse((e as ApiError).toProblem(c.req.path)));
    return app;
  }

  it("a 5xx on a score route becomes an `error` point for the key's merchant; 4xx and other routes do not", async () => {
    const { points, dataset } = recordingDataset();
    const app = failingApp();
    for (const path of ["/v1/score", "/v1/other", "/v1/score/batch"]) {
      const ctx = createExecutionContext();
      await app.fetch(new Request(`${BASE}${path}`, { method: "POST" }), { ...env, DECISIONS: dataset }, ctx);
      await waitOnExecutionContext(ctx);
    }
    expect(points).toHaveLength(1);
    expect(points[0]!.indexes).toEqual(["m_fail"]);
    expect(b(points[0]!, "decision")).toBe(ERROR_DECISION);
    expect(d(points[0]!, "weight")).toBe(1);
  });
});
