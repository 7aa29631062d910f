import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { emptyStats, SnapshotSchema, StatsSchema, type Snapshot } from "../analytics/snapshot";
import { ApiError, ProblemSchema } from "../errors/problem";
import type { AppEnv } from "../services";
import { currentSnapshot } from "./metrics";

const About = SnapshotSchema.pick({ generated_at: true, windows: true, model: true });

export const StatsResponseSchema = z
  .union([
    About.extend({
      scope: z.literal("merchant"),
      merchant: z.string(),
      stats: StatsSchema,
    }),
    About.extend({
      scope: z.literal("global"),
      stats: StatsSchema,
      features: SnapshotSchema.shape.features,
      alerts: SnapshotSchema.shape.alerts,
      merchants: z.array(z.object({ merchant: z.string(), requests: z.number() })).openapi({ description: "Merchants with stats in this snapshot, busiest first" }),
    }),
  ])
  .openapi("Stats");

const problems = (description: string) => ({ content: { "application/problem+json": { schema: ProblemSchema } }, description });

export const statsRoute = createRoute({
  method: "get",
  path: "/v1/stats",
  summary: "Traffic, decision, latency and drift statistics",
  description:
    "The exporter Worker's latest snapshot (recomputed every minute from Analytics Engine): request rate, decision and error rates, latency quantiles, score distribution and PSI against the model's training baseline. With `merchant`, that merchant's figures (zero when it had no traffic in the window, or is not among the busiest merchants the exporter keeps — MAX_MERCHANTS).",
  request: {
    query: z.object({
      merchant: z.string().min(1).max(128).optional().openapi({ param: { name: "merchant", in: "query" }, example: "m_demo" }),
    }),
  },
  responses: {
    200: { content: { "application/json": { schema: StatsResponseSchema } }, description: "The statistics" },
    404: problems("No snapshot yet: the exporter Worker has not run"),
    503: problems("Redis, where the snapshot lives, is not configured or not reachable"),
  },
});

export function registerStats(app: OpenAPIHono<AppEnv>) {
  app.openapi(statsRoute, async (c) => {
    const snapshot = await currentSnapshot(c.get("services"));
    if (!snapshot) throw new ApiError("not_found", "No metrics snapshot yet: the exporter Worker writes one every minute (docs/metrics.md)");
    const { merchant } = c.req.valid("query");
    return c.json(merchant === undefined ? globalView(snapshot) : merchantView(snapshot, merchant), 200);
  });
}

function about(s: Snapshot) {
  return { generated_at: s.generated_at, windows: s.windows, model: s.model };
}

function merchantView(s: Snapshot, merchant: string) {
  return { ...about(s), scope: "merchant" as const, merchant, stats: s.merchants[merchant] ?? emptyStats(s.global.score.edges) };
}

function globalView(s: Snapshot) {
  const merchants = Object.entries(s.merchants)
    .map(([merchant, m]) => ({ merchant, requests: m.requests }))
    .sort((a, b) => b.requests - a.requests);
  return { ...about(s), scope: "global" as const, stats: s.global, features: s.features, alerts: s.alerts, merchants };
}
