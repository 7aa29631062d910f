import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { kafkaCheck, spillCheck } from "../alerts/health";
import type { AppEnv, Services } from "../http/env";
import { isOperator } from "../http/metrics-token";
import { DependencyCheckSchema, type DependencyCheck } from "../schemas/health";
import { sharedProbe, type Probed } from "../utils/shared-probe";
import { msSince } from "../utils/round";
import { SERVICE } from "../version";

export const HealthSchema = z
  .object({
    status: z.enum(["ok", "degraded", "down"]).openapi({
      description: "ok: all dependencies up; degraded: scores are answered but without some dependency; down: scores cannot be answered",
    }),
    version: z.string().optional(),
    checked_at: z.string().optional().openapi({ description: "When these checks ran: an isolate reuses them for HEALTH_CACHE_MS (default 5 s)" }),
    checks: z
      .object({
        model: DependencyCheckSchema,
        redis: DependencyCheckSchema,
        kafka: DependencyCheckSchema,
        alert_spill: DependencyCheckSchema,
        policy: DependencyCheckSchema.openapi({ description: "policy: `failures` counts merchant rules that failed at run time in this isolate (each skipped, the score decided without it)" }),
      })
      .optional(),
  })
  .openapi("Health", { description: "The status for everyone; version, when the checks ran and the checks themselves for the operator (METRICS_TOKEN)" });

export const healthRoute = createRoute({
  method: "get",
  path: "/health",
  summary: "Liveness and readiness of each dependency",
  description:
    "Public: the status only, which is all a load balancer needs — dependency details (error texts, failure counts, the alert topic) would help an attacker. With `Authorization: Bearer <METRICS_TOKEN>` (the operator's token of GET /metrics): every check.",
  responses: {
    200: { content: { "application/json": { schema: HealthSchema } }, description: "The scorer can answer (status ok or degraded)" },
    503: { content: { "application/json": { schema: HealthSchema } }, description: "The scorer cannot answer scores" },
  },
});

type Health = z.infer<typeof HealthSchema>;

async function modelCheck(services: Services): Promise<DependencyCheck> {
  const started = performance.now();
  try {
    await services.model();
    return { status: "ok", latency_ms: msSince(started) };
  } catch (e) {
    return { status: "down", detail: e instanceof Error ? e.message : String(e) };
  }
}

/** The feature store (memory or Redis), and how many of this isolate's scores it failed. */
async function redisCheck(services: Services): Promise<DependencyCheck> {
  const ping = await services.store.ping();
  return ping.status === "not_configured" ? ping : { ...ping, failures: services.counters.storeErrors };
}

async function checkAll(services: Services) {
  // The model first: loading it on a cold isolate holds the thread for a few hundred ms, which would otherwise
  // run out the other probes' timers and report healthy dependencies down.
  const model = await modelCheck(services);
  const [redis, kafka, alert_spill] = await Promise.all([redisCheck(services), kafkaCheck(services.alerts), spillCheck(services.alerts)]);
  // A failing rule is the merchant's to fix, not an outage: reported, never a degraded status.
  const policy: DependencyCheck = { status: "ok", failures: services.counters.ruleErrors };
  return { model, redis, kafka, alert_spill, policy };
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
    const body = (await isOperator(c)) ? { status, version: SERVICE.version, checked_at: new Date(checkedAt).toISOString(), checks } : { status };
    return c.json(body, status === "down" ? 503 : 200);
  });
}
