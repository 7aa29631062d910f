import type { SnapshotStore } from "../analytics/snapshots/interface";
import type { KeyAuth, Principal } from "../auth/authenticate";
import type { RateLimiter } from "../auth/rate-limit/interface";
import type { Bindings, Config } from "../config";
import type { PipelineDeps } from "../pipeline/deps";
import type { PolicyStore } from "../store/policy/interface";
import type { ModelArtifacts } from "../model/registry/interface";
import type { RoutingStore } from "../store/routing/interface";
import type { Degradation } from "../schemas/score";

/** The backends a request uses, built once per isolate from its bindings by the app (src/app.ts). */
export interface Services extends PipelineDeps {
  config: Config;
  /** API key verification (docs/auth.md). */
  auth: KeyAuth;
  limiter: RateLimiter;
  /** The merchants' lists and thresholds, as the policy routes manage them (docs/policy.md). */
  policy: PolicyStore;
  /** Published model versions (docs/models.md). */
  modelArtifacts: ModelArtifacts;
  /** Which versions serve traffic, as the operator changes it (the scores read it through `store`). */
  routingStore: RoutingStore;
  /** The exporter's metrics snapshot (docs/metrics.md). */
  metrics: SnapshotStore;
}

/** Hono's environment for every route and middleware of the scoring Worker. */
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
    /** The request's rate-limit check, settled or still running alongside the route (rate-limit.ts). */
    rateLimit: Promise<unknown>;
  };
};
