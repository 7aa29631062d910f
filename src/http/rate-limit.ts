import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { clientNetwork } from "../auth/client-network";
import type { RateLimitPolicy } from "../auth/key-record";
import type { LimitVerdict } from "../auth/rate-limit/interface";
import { ApiError } from "../errors/problem";
import type { Degradation } from "../schemas/score";
import type { AppEnv } from "./env";
import { appendServerTiming } from "./server-timing";

/**
 * Rate limits of an authenticated request (runs after the key middleware): per key for secret keys, per client
 * network and key for publishable keys. Over the limit: 429 with `Retry-After`. Every limited response carries
 * `RateLimit-Limit/-Remaining/-Reset` and `RateLimit-Policy` (IETF draft-ietf-httpapi-ratelimit-headers).
 * When Redis cannot be asked the request goes on (fail open) and the score says `degraded: ["rate_limit"]`.
 *
 * Near the limit (or for an identifier this isolate has not seen) the check is awaited before the route runs. Well
 * within it, the check runs alongside the route — a score's feature-store round trip overlaps it, so the limit
 * costs no extra round trip — and the pipeline joins it before answering (`requestDegradations`); a request that
 * crosses the limit on that path is still answered, the ones after it are refused.
 *
 * A request costs what it scores (`cost`; a batch, one unit per transaction), so the limit is on transactions. A
 * route may check in two steps — one unit before it reads the body, so even a request whose body is refused is
 * counted, and the rest once the body says how much it is — with a cost of 0 skipping the step; the last check's
 * headers are the ones the response carries, and `scores` says how many transactions the request scores in all
 * (what a refusal names).
 */
export const rateLimitBy = (cost: (c: Context<AppEnv>) => number, opts: { scores?: (c: Context<AppEnv>) => number } = {}) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const principal = c.get("principal");
    const { limiter } = c.get("services");
    const policy = principal.rateLimit;
    const identifier = principal.kind === "secret" ? principal.keyId : `${principal.keyId}:ip:${clientNetwork(c.req.raw)}`;
    const units = cost(c);
    if (units <= 0) return next();
    const started = performance.now();
    const check = limiter.begin(identifier, policy, units);

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
    const earlier = c.get("rateLimit");
    c.set("rateLimit", earlier ? Promise.all([earlier, settled]) : settled);
    if (!check.concurrent && (await settled).kind === "limited") {
      const scores = opts.scores?.(c) ?? units;
      const what = scores === 1 ? `Limit of ${policy.requests} transactions per ${policy.window_s} s reached` : `This request scores ${scores} transactions; the limit is ${policy.requests} per ${policy.window_s} s, and not that many are left in this window`;
      throw new ApiError("rate_limited", what, undefined, {
        ...headers,
        "Retry-After": headers["RateLimit-Reset"]!,
      });
    }
    const waited = performance.now() - started;
    await next();
    await settled;
    // A later check (closer to next()) has set its headers already: they are the more recent count.
    for (const [name, value] of Object.entries(headers)) if (!c.res.headers.has(name)) c.res.headers.set(name, value);
    appendServerTiming(c.res, "ratelimit", waited, check.concurrent ? "concurrent" : "awaited");
  });

/** One unit per request. */
export const rateLimit = rateLimitBy(() => 1);

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
 * What this request itself had to do without, once its rate-limit check (which may still be running alongside the
 * route) has had its say: what a pipeline run joins before building its answer.
 */
export async function requestDegradations(c: Context<AppEnv>): Promise<Degradation[]> {
  await c.get("rateLimit");
  return c.get("degraded") ?? [];
}
