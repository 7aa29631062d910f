import { z } from "@hono/zod-openapi";

/**
 * One dependency's entry in GET /health. Every backend answers a `ping()` with the first three fields; /health adds
 * what the isolate has counted (failures, the alert backlog).
 */
export const DependencyCheckSchema = z
  .object({
    status: z.enum(["ok", "down", "not_configured"]),
    latency_ms: z.number().optional(),
    detail: z.string().optional(),
    failures: z.number().int().optional().openapi({ description: "Calls that failed in this isolate since it started (answers were degraded)" }),
    backlog: z.number().int().optional().openapi({ description: "alert_spill: alerts waiting in Redis for replay to Kafka" }),
    oldest_age_s: z.number().optional().openapi({ description: "alert_spill: age of the oldest waiting alert" }),
    suppressed: z.number().int().optional().openapi({ description: "kafka: checkout pages' alerts held back by their per-merchant bound (ALERT_PUBLISHABLE_PER_MINUTE)" }),
  })
  .openapi("DependencyCheck");
export type DependencyCheck = z.infer<typeof DependencyCheckSchema>;

/** A backend's readiness, with the round-trip time when it answered. */
export type Ping = { status: "ok"; latency_ms: number; detail?: string } | { status: "down"; detail: string } | { status: "not_configured"; detail: string };
