import { z } from "zod";

/**
 * The Worker's configuration, from its bindings (wrangler.toml [vars] and secrets). Parsed once per isolate.
 * Missing optional services leave the scorer working with less (e.g. no Redis → neutral behaviour, flagged).
 */
export const ms = (fallback: number) => z.coerce.number().int().positive().default(fallback);
/** A positive whole number of things (requests, merchants, alerts per batch). */
export const count = (fallback: number) => z.coerce.number().int().positive().default(fallback);
/** An empty variable means "not set" (`wrangler dev --var X:` or an emptied dashboard field). */
export const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === "" ? undefined : v), schema.optional());

export const ConfigSchema = z.object({
  ENVIRONMENT: z.string().default("development"),
  /**
   * Where the Redis-backed state lives (feature store, API keys, rate limits, alert spill, metrics snapshot).
   * `upstash`: Upstash Redis over REST when UPSTASH_REDIS_REST_URL is set, else each backend is "not configured"
   * (scores degrade, keys cannot be verified; /health says so). `memory`: this isolate's memory — for `npm run dev`
   * without redis-server and for tests; lost when the isolate goes, never shared between isolates, refused in
   * production.
   */
  BACKENDS: z.enum(["upstash", "memory"]).default("upstash"),
  /** BACKENDS=memory only: API key records (a JSON array of what the key tool stores: digests, never keys) the
   * in-memory key store starts with, e.g. the demo merchant's. */
  SEED_API_KEYS: optional(z.string()),
  UPSTASH_REDIS_REST_URL: optional(z.url()),
  UPSTASH_REDIS_REST_TOKEN: optional(z.string()),
  /** Budget for the feature-store round trip; past it the score goes on without behavioural state. */
  REDIS_TIMEOUT_MS: ms(150),
  /** How long an isolate reuses its /health probes of Redis and Kafka (src/utils/shared-probe.ts); 0: every call probes. */
  HEALTH_CACHE_MS: z.coerce.number().int().min(0).default(5_000),
  /** How long an isolate trusts an API key it looked up (docs/auth.md): also how long a revoked key may still work. */
  AUTH_KEY_CACHE_TTL_MS: ms(30_000),
  /**
   * Development only: the decision points go to this URL instead of the AE binding — the local Analytics Engine SQL
   * stand-in's `/__points` (scripts/local/ae-sql.ts) — because locally the binding accepts writes and drops them
   * (docs/metrics.md#locally). A loopback address only, and refused in production.
   */
  ANALYTICS_FORWARD_URL: optional(z.url().refine((u) => ["127.0.0.1", "localhost", "[::1]"].includes(new URL(u).hostname), "a loopback address only (the local AE stand-in)")),
  /** Bearer token Prometheus sends to GET /metrics (docs/auth.md); unset → /metrics refuses everyone. */
  METRICS_TOKEN: optional(z.string().min(16)),
  /** Bearer token of the operator's model registry routes (/v1/admin/models; docs/models.md); unset → they refuse everyone. */
  ADMIN_TOKEN: optional(z.string().min(16)),
  /** Alerts (docs/alerts.md): which sink; unset → upstash when UPSTASH_KAFKA_REST_URL is set, else confluent when
   * CONFLUENT_REST_URL is, else none. */
  ALERT_SINK: optional(z.enum(["upstash", "confluent", "memory", "none"])),
  ALERT_TOPIC: z.string().regex(/^[a-zA-Z0-9._-]{1,249}$/).default("fraud-alerts"),
  /** The decision log and the labels (docs/feedback.md): produced by the scheduled Worker from the outboxes, on the alerts' Kafka. */
  DECISION_TOPIC: z.string().regex(/^[a-zA-Z0-9._-]{1,249}$/).default("fraud-decisions"),
  LABEL_TOPIC: z.string().regex(/^[a-zA-Z0-9._-]{1,249}$/).default("fraud-labels"),
  /** Decisions at or above this level are alerted. */
  ALERT_MIN_DECISION: z.enum(["approve", "review", "decline"]).default("review"),
  /** Alerts from checkout pages' (publishable-key) decisions, per merchant per minute; beyond it they are counted, not sent. */
  ALERT_PUBLISHABLE_PER_MINUTE: count(60),
  /** How long the sink gets (retries included) before an alert is spilled to Redis for the scheduled replay. */
  ALERT_BUDGET_MS: ms(15_000),
  /**
   * Stream scoring (docs/streams.md): the scheduled handler reads this topic over the alerts' Kafka REST endpoint,
   * scores each record through the pipeline, produces the answers to STREAM_RESULTS_TOPIC and the records it cannot
   * score to STREAM_DLQ_TOPIC, then commits. Unset: no stream consumer.
   */
  STREAM_TOPIC: optional(z.string().regex(/^[a-zA-Z0-9._-]{1,249}$/)),
  /** Which Kafka REST protocol the stream is read with; unset → the one the alerts use. Only upstash can consume. */
  STREAM_SOURCE: optional(z.enum(["upstash", "confluent"])),
  STREAM_GROUP: z.string().regex(/^[a-zA-Z0-9._-]{1,249}$/).default("fraud-scorer"),
  STREAM_RESULTS_TOPIC: z.string().regex(/^[a-zA-Z0-9._-]{1,249}$/).default("fraud-scores"),
  STREAM_DLQ_TOPIC: z.string().regex(/^[a-zA-Z0-9._-]{1,249}$/).default("transactions-dlq"),
  /** Records per fetched batch (one store round trip, one produce, one commit each). */
  STREAM_BATCH: z.coerce.number().int().min(1).max(1000).default(500),
  /** How long one scheduled invocation keeps fetching: below the cron's minute, so passes do not overlap. */
  STREAM_PASS_MS: ms(45_000),
  /** Where a group with no committed offset starts. */
  STREAM_START: z.enum(["earliest", "latest"]).default("earliest"),
  UPSTASH_KAFKA_REST_URL: optional(z.url()),
  UPSTASH_KAFKA_REST_USERNAME: optional(z.string()),
  UPSTASH_KAFKA_REST_PASSWORD: optional(z.string()),
  CONFLUENT_REST_URL: optional(z.url()),
  CONFLUENT_CLUSTER_ID: optional(z.string()),
  CONFLUENT_API_KEY: optional(z.string()),
  CONFLUENT_API_SECRET: optional(z.string()),
});
export type Config = z.infer<typeof ConfigSchema>;

/** The bindings this Worker reads; everything is optional so a bare `wrangler dev` still serves. */
export type Bindings = Partial<Record<keyof z.input<typeof ConfigSchema>, string>> & {
  DECISIONS?: AnalyticsEngineDataset;
  /** Model versions (ONNX, card, reference vectors, report) in R2 (docs/models.md); absent → the bundled model only. */
  MODELS?: R2Bucket;
};

/** A deployment whose variables do not parse: named (never their values, which may be secrets) in the log. */
export class ConfigError extends Error {
  constructor(readonly variables: string[]) {
    super(`invalid Worker configuration: ${variables.join(", ")} (see wrangler.toml and docs/deploy.md)`);
    this.name = "ConfigError";
  }
}

/**
 * A Worker's configuration (this one's, or another Worker's schema extending it): a ConfigError naming every
 * variable that does not parse, or that this environment refuses.
 */
export function parseConfig<S extends z.ZodType<Config>>(schema: S, env: object): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new ConfigError([...new Set(parsed.error.issues.map((i) => String(i.path[0])))]);
  // Memory backends (and the memory alert sink) forget everything with the isolate and each isolate has its own:
  // never what production runs on.
  if (parsed.data.ENVIRONMENT === "production") {
    const refused = [
      ...(parsed.data.BACKENDS === "memory" ? ["BACKENDS"] : []),
      ...(parsed.data.ALERT_SINK === "memory" ? ["ALERT_SINK"] : []),
      ...(parsed.data.ANALYTICS_FORWARD_URL !== undefined ? ["ANALYTICS_FORWARD_URL"] : []),
    ];
    if (refused.length > 0) throw new ConfigError(refused);
  }
  // The registry's token changes what every merchant is scored by; the metrics token is handed to a scraper. One
  // secret for both would let whoever reads the dashboards publish models.
  if (parsed.data.ADMIN_TOKEN !== undefined && parsed.data.ADMIN_TOKEN === parsed.data.METRICS_TOKEN) throw new ConfigError(["ADMIN_TOKEN"]);
  return parsed.data;
}

const cache = new WeakMap<object, Config>();
export function configFrom(env: Bindings): Config {
  let c = cache.get(env);
  if (!c) {
    c = parseConfig(ConfigSchema, env);
    cache.set(env, c);
  }
  return c;
}

/** Which Kafka REST sink alerts (and the decision log) go to: ALERT_SINK, else the endpoint that is configured. */
export function selectedSink(config: Pick<Config, "ALERT_SINK" | "UPSTASH_KAFKA_REST_URL" | "CONFLUENT_REST_URL">): "upstash" | "confluent" | "memory" | "none" {
  return config.ALERT_SINK ?? (config.UPSTASH_KAFKA_REST_URL ? "upstash" : config.CONFLUENT_REST_URL ? "confluent" : "none");
}
