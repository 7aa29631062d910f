import { alertRuntimeFrom, type AlertRuntime } from "./alerts/runtime";
import { snapshotStoreFrom, type SnapshotStore } from "./analytics/snapshot-store";
import type { Principal, KeyAuth } from "./auth/authenticate";
import { keyAuthFrom, rateLimiterFrom } from "./auth/from-config";
import type { RateLimiter } from "./auth/rate-limiter";
import { configFrom, type Bindings, type Config } from "./config";
import { defaultModel } from "./model/default-model";
import type { FraudModel } from "./model/fraud-model";
import type { Degradation } from "./schemas/score";
import type { FeatureStore } from "./store/feature-store";
import { featureStoreFrom } from "./store/from-config";

/** The backends a request uses, built once per isolate from its bindings. */
export interface Services {
  config: Config;
  model: () => Promise<FraudModel>;
  store: FeatureStore | undefined;
  /** API key verification and rate limits (docs/auth.md); none without Redis. */
  auth: KeyAuth | undefined;
  limiter: RateLimiter | undefined;
  /** Failures this isolate has absorbed (the answer was degraded, not failed). */
  counters: { storeErrors: number };
  /** High-risk decisions → Kafka, with the Redis spill (docs/alerts.md). */
  alerts: AlertRuntime;
  /** The exporter's metrics snapshot in Redis (docs/metrics.md); none without Redis. */
  metrics: SnapshotStore | undefined;
}

const cache = new WeakMap<object, Services>();

export function servicesFor(env: Bindings): Services {
  let s = cache.get(env);
  if (!s) {
    const config = configFrom(env);
    s = {
      config,
      model: defaultModel,
      store: featureStoreFrom(config),
      auth: keyAuthFrom(config),
      limiter: rateLimiterFrom(config),
      counters: { storeErrors: 0 },
      alerts: alertRuntimeFrom(config),
      metrics: snapshotStoreFrom(config),
    };
    cache.set(env, s);
  }
  return s;
}

export type AppEnv = {
  Bindings: Bindings;
  Variables: {
    startedAt: number;
    services: Services;
    body: unknown;
    /** The caller, once its key is verified (protected routes only). */
    principal: Principal;
    /** What this request had to do without (e.g. its rate limit could not be checked), beyond scoring's own. */
    degraded: Degradation[];
    /** The request's rate-limit check, settled or still running alongside the route (src/middleware/rate-limit.ts). */
    rateLimit: Promise<unknown>;
  };
};
