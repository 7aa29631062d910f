import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { emptyStats, SnapshotSchema, StatsSchema, type Snapshot } from "../analytics/snapshot";
import { ApiError } from "../errors/problem";
import type { AppEnv } from "../http/env";
import { keyAccess } from "../http/key-access";
import { problems } from "../http/problems";
import { currentSnapshot } from "./metrics";

const About = SnapshotSchema.pick({ generated_at: true, windows: true, model: true });

/** A merchant sees its own figures only; everyone's (and the global view) is the operator's, on GET /metrics. */
export const StatsResponseSchema = About.extend({
  merchant: z.string(),
  stats: StatsSchema,
}).openapi("Stats");

const access = keyAccess({ keys: ["secret"], scope: "stats:read" });

export const statsRoute = createRoute({
  method: "get",
  path: "/v1/stats",
  summary: "Traffic, decision, latency and drift statistics of the key's merchant",
  description:
    "The exporter Worker's latest snapshot (recomputed every minute from Analytics Engine), for the merchant of the API key: request rate, decision and error rates, latency quantiles, score distribution and PSI against the model's training baseline. Zero when the merchant had no traffic in the window, or is not among the busiest merchants the exporter keeps (MAX_MERCHANTS).",
  security: access.security,
  middleware: access.middleware,
  responses: {
    ...access.responses,
    200: { content: { "application/json": { schema: StatsResponseSchema } }, description: "The statistics" },
    404: problems("No snapshot yet: the exporter Worker has not run"),
    503: problems("Redis, where the snapshot lives, is not configured or not reachable"),
  },
});

export function registerStats(app: OpenAPIHono<AppEnv>) {
  app.openapi(statsRoute, async (c) => {
    const snapshot = await currentSnapshot(c.get("services"));
    if (!snapshot) throw new ApiError("not_found", "No metrics snapshot yet: the exporter Worker writes one every minute (docs/metrics.md)");
    return c.json(merchantView(snapshot, c.get("principal").merchantId), 200);
  });
}

function merchantView(s: Snapshot, merchant: string) {
  return { generated_at: s.generated_at, windows: s.windows, model: s.model, merchant, stats: s.merchants[merchant] ?? emptyStats(s.global.score.edges) };
}
