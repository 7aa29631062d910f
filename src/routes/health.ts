import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { kafkaCheck, spillCheck } from "../alerts/health";
import { sharedProbe, type Probed } from "../health/shared-probe";
import type { AppEnv, Services } from "../services";
import { SERVICE } from "../version";

const CheckSchema = z
  .object({
    status: z.enum(["ok", "down", "not_configured"]),
    latency_ms: z.number().optional(),
    detail: z.string().optional(),
    failures: z.number().int().optional().openapi({ description: "Calls that failed in this isolate since it started (answers were degraded)" }),
    backlog: z.number().int().optional().openapi({ description: "alert_spill: alerts waiting in Redis for replay to Kafka" }),
    oldest_age_s: z.number().optional().openapi({ description: "alert_spill: age of the oldest waiting alert" }),
  })
  .openapi("DependencyCheck");

export const HealthSchema = z
  .object({
    status: z.enum(["ok", "degraded", "down"]).openapi({
      description: "ok: all dependencies up; degraded: scores are answered but without some dependency; down: scores cannot be answered",
    }),
    version: z.string(),
    checked_at: z.string().openapi({ description: "When these checks ran: an isolate reuses them for HEALTH_CACHE_MS (default 5 s)" }),
    checks: z.object({ model: CheckSchema, redis: CheckSchema, kafka: CheckSchema, alert_spill: CheckSchema }),
  })
  .openapi("Health");

export const healthRoute = createRoute({
  method: "get",
  path: "/health",
  summary: "Liveness and readiness of each dependency",
  responses: {
    200: { content: { "application/json": { schema: HealthSchema } }, description: "The scorer can answer (status ok or degraded)" },
    503: { content: { "application/json": { schema: HealthSchema } }, description: "The scorer cannot answer scores" },
  },
});

type Check = z.infer<typeof CheckSchema>;
type Health = z.infer<typeof HealthSchema>;

async function modelCheck(services: Services): Promise<Check> {
  const started = performance.now();
  try {
    await services.model();
    return { status: "ok", latency_ms: Math.round((performance.now() - started) * 1000) / 1000 };
  } catch (e) {
    return { status: "down", detail: e instanceof Error ? e.message : String(e) };
  }
}

async function redisCheck(services: Services): Promise<Check> {
  if (!services.store) return { status: "not_configured", detail: "no UPSTASH_REDIS_REST_URL: behavioural features use neutral values" };
  const r = await services.store.ping();
  const failures = services.counters.storeErrors;
  return r.ok ? { status: "ok", latency_ms: r.latency_ms, failures } : { status: "down", detail: r.error, failures };
}

async function checkAll(services: Services) {
  const [model, redis, kafka, alert_spill] = await Promise.all([modelCheck(services), redisCheck(services), kafkaCheck(services.alerts), spillCheck(services.alerts)]);
  return { model, redis, kafka, alert_spill };
}

type Checks = Awaited<ReturnType<typeof checkAll>>;
const probes = new WeakMap<Services, () => Promise<Probed<Checks>>>();

function probeFor(services: Services): () => Promise<Probed<Checks>> {
  let probe = probes.get(services);
  if (!probe) {
    probe = sharedProbe(services.config.HEALTH_CACHE_MS, () => checkAll(services));
    probes.set(services, probe);
  }
  return probe;
}

export function registerHealth(app: OpenAPIHono<AppEnv>) {
  app.openapi(healthRoute, async (c) => {
    const { value: checks, checkedAt } = await probeFor(c.get("services"))();
    const { model, redis, kafka, alert_spill } = checks;
    // Alerting off by choice (not_configured) is not a degradation; a sink that fails, or alerts waiting, is.
    const alertsOk = kafka.status !== "down" && alert_spill.status !== "down" && !alert_spill.backlog;
    const status: Health["status"] = model.status !== "ok" ? "down" : redis.status === "ok" && alertsOk ? "ok" : "degraded";
    const body = { status, version: SERVICE.version, checked_at: new Date(checkedAt).toISOString(), checks };
    return c.json(body, status === "down" ? 503 : 200);
  });
}
