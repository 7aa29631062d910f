import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { SpillBacklog } from "../alerts/spill/interface";
import { renderPrometheus } from "../analytics/prometheus";
import { SnapshotSchema, type Snapshot } from "../analytics/snapshot";
import { NotConfiguredError } from "../errors/not-configured";
import { ApiError } from "../errors/problem";
import type { AppEnv, Services } from "../http/env";
import { METRICS_SCHEME, requireMetricsToken } from "../http/metrics-token";
import { problems } from "../http/problems";

export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export const metricsRoute = createRoute({
  method: "get",
  path: "/metrics",
  summary: "Service metrics for Prometheus",
  description:
    "The exporter Worker's latest snapshot (request rate, decision and error rates, latency quantiles, score distribution and PSI drift — globally and for the busiest merchants) plus the alert spill backlog, in the Prometheus text format. See docs/metrics.md. Operators only: `Authorization: Bearer <METRICS_TOKEN>` (docs/auth.md).",
  security: [{ [METRICS_SCHEME]: [] }],
  middleware: [requireMetricsToken],
  responses: {
    401: problems("Missing or wrong METRICS_TOKEN (or none configured)"),
    200: { content: { [PROMETHEUS_CONTENT_TYPE]: { schema: z.string() } }, description: "Prometheus text exposition format 0.0.4" },
    503: problems("Redis, where the snapshot lives, is not configured or not reachable"),
  },
});

/** The snapshot, or undefined when none has been written yet; a 503 when Redis cannot be asked. */
export async function currentSnapshot(services: Services): Promise<Snapshot | undefined> {
  let read;
  try {
    read = await services.metrics.read();
  } catch (e) {
    if (e instanceof NotConfiguredError) throw new ApiError("store_unavailable", e.message);
    console.error("metrics: reading the snapshot failed", e);
    throw new ApiError("store_unavailable", "The metrics snapshot could not be read from Redis");
  }
  if (read.kind === "invalid") console.error(`metrics: ignoring a snapshot this version cannot read: ${read.detail}`);
  return read.kind === "snapshot" ? read.snapshot : undefined;
}

async function liveBacklog(services: Services): Promise<SpillBacklog | undefined> {
  try {
    return await services.alerts.spill.backlog();
  } catch {
    return undefined;
  }
}

export const snapshotRoute = createRoute({
  method: "get",
  path: "/metrics/snapshot",
  summary: "The metrics snapshot as JSON (the operator's dashboard)",
  description:
    "What GET /metrics renders for Prometheus, as the exporter wrote it (every merchant's figures, feature PSI, the alert spill) plus the live alert backlog: what the dashboard page (/dashboard) draws for an operator. `Authorization: Bearer <METRICS_TOKEN>`.",
  security: [{ [METRICS_SCHEME]: [] }],
  middleware: [requireMetricsToken],
  responses: {
    401: problems("Missing or wrong METRICS_TOKEN (or none configured)"),
    200: {
      content: { "application/json": { schema: z.object({ snapshot: SnapshotSchema.nullable(), backlog: z.object({ entries: z.number(), oldest_at: z.string().nullable() }).nullable() }).openapi("MetricsSnapshot") } },
      description: "The latest snapshot (null before the exporter first ran) and the alert spill's backlog now",
    },
    503: problems("Redis, where the snapshot lives, is not configured or not reachable"),
  },
});

export function registerMetrics(app: OpenAPIHono<AppEnv>) {
  app.openapi(snapshotRoute, async (c) => {
    const services = c.get("services");
    const [snapshot, backlog] = await Promise.all([currentSnapshot(services), liveBacklog(services)]);
    return c.json(
      { snapshot: snapshot ?? null, backlog: backlog ? { entries: backlog.count, oldest_at: backlog.oldestAt === null ? null : new Date(backlog.oldestAt).toISOString() } : null },
      200,
      { "cache-control": "no-store" },
    );
  });

  app.openapi(metricsRoute, async (c) => {
    const services = c.get("services");
    const [snapshot, backlog] = await Promise.all([currentSnapshot(services), liveBacklog(services)]);
    return c.text(renderPrometheus(snapshot, { now: Date.now(), backlog }), 200, { "content-type": PROMETHEUS_CONTENT_TYPE, "cache-control": "no-store" });
  });
}
