import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { clientNetwork } from "../auth/client-network";
import type { RateLimitPolicy } from "../auth/key-record";
import type { LimitVerdict } from "../auth/rate-limiter";
import { appendServerTiming } from "../auth/server-timing";
import { ApiError } from "../errors/problem";
import { DEGRADATIONS, type Degradation } from "../schemas/score";
import type { ScoreRun } from "../scoring/score";
import type { AppEnv } from "../services";

/**
 * Rate limits of an authenticated request (runs after the key middleware): per key for secret keys, per client
 * network and key for publishable keys. Over the limit: 429 with `Retry-After`. Every limited response carries
 * `RateLimit-Limit/-Remaining/-Reset` and `RateLimit-Policy` (IETF draft-ietf-httpapi-ratelimit-headers).
 * When Redis cannot be asked the request goes on (fail open) and the score says `degraded: ["rate_limit"]`.
 *
 * Near the limit (or for an identifier this isolate has not seen) the check is awaited before the route runs. Well
 * within it, the check runs alongside the route — a score's feature-store round trip overlaps it, so the limit
 * costs no extra round trip — and the route joins it before answering (`withRequestDegradations`); a request that
 * crosses the limit on that path is still answered, the ones after it are refused.
 */
export const rateLimit = createMiddleware<AppEnv>(async (c, next) => {
  const principal = c.get("principal");
  const { limiter } = c.get("services");
  const policy = principal.rateLimit;
  const identifier = principal.kind === "secret" ? principal.keyId : `${principal.keyId}:ip:${clientNetwork(c.req.raw)}`;
  const started = performance.now();
  const check = limiter
    ? limiter.begin(identifier, policy)
    : { verdict: Promise.resolve<LimitVerdict>({ kind: "unavailable", error: "no Redis configured" }), concurrent: false };

  let headers: Record<string, string> = {};
  const settled = check.verdict.then((verdict) => {
    if (verdict.kind === "unavailable") {
      console.warn(`rate limit: not checked for ${principal.keyId} (${verdict.error}); letting the request through`);
      addDegradation(c, "rate_limit");
    } else {
      c.executionCtx.waitUntil(verdict.pending);
      headers = rateLimitHeaders(verdict, policy);
    }
    return verdict;
  });
  c.set("rateLimit", settled);
  if (!check.concurrent && (await settled).kind === "limited") {
    throw new ApiError("rate_limited", `Limit of ${policy.requests} requests per ${policy.window_s} s reached`, undefined, {
      ...headers,
      "Retry-After": headers["RateLimit-Reset"]!,
    });
  }
  const waited = performance.now() - started;
  await next();
  await settled;
  for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  appendServerTiming(c.res, "ratelimit", waited, check.concurrent ? "concurrent" : "awaited");
});

function rateLimitHeaders(v: Extract<LimitVerdict, { limit: number }>, policy: RateLimitPolicy): Record<string, string> {
  // Seconds until the window ends, at least 1 so a client never retries in a tight loop.
  const reset = Math.max(1, Math.ceil((v.resetAt - Date.now()) / 1000));
  return {
    "RateLimit-Limit": String(v.limit),
    "RateLimit-Remaining": String(v.remaining),
    "RateLimit-Reset": String(reset),
    "RateLimit-Policy": `${policy.requests};w=${policy.window_s}`,
  };
}

function addDegradation(c: Context<AppEnv>, d: Degradation): void {
  const current = c.get("degraded") ?? [];
  if (!current.includes(d)) c.set("degraded", [...current, d]);
}

/**
 * A score run with the request's own degradations (e.g. its rate limit could not be checked) merged into what
 * scoring reported, in the order DEGRADATIONS lists them so answers compare stably. Replays keep their stored answer.
 */
export async function withRequestDegradations(c: Context<AppEnv>, run: ScoreRun): Promise<ScoreRun> {
  await c.get("rateLimit"); // a check running alongside the score has its say before the answer is built
  const extra = c.get("degraded") ?? [];
  if (extra.length === 0) return run;
  const merged = (own: readonly Degradation[]) => DEGRADATIONS.filter((d) => own.includes(d) || extra.includes(d));
  return {
    ...run,
    degraded: merged(run.degraded),
    outcomes: run.outcomes.map((o) => (o.kind === "scored" ? { ...o, result: { ...o.result, degraded: merged(o.result.degraded) } } : o)),
  };
}
