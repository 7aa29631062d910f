/**
 * Benchmark entry point (not deployed): the scoring app, plus bench routes that differ from real ones only by the
 * key and rate-limit middleware, so latency differences measured at the client are what authentication + rate
 * limiting add (scripts/bench/auth-latency.ts):
 * - GET /bench/open and GET /bench/keyed: an empty handler, without and with the middleware;
 * - POST /bench/score-open: the real score handler (answerScore) and body checks, with the bench merchant set as
 *   the caller instead of a verified key — to compare with the real POST /v1/score.
 */
import { createRoute, OpenAPIHono, type RouteHandler } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import { createApp, servicesFor } from "../../src/app";
import { requireKey } from "../../src/http/key-access";
import type { Principal } from "../../src/auth/authenticate";
import type { Bindings } from "../../src/config";
import { jsonBody } from "../../src/http/json-body";
import { panGuard } from "../../src/http/pan-guard";
import { rateLimit } from "../../src/http/rate-limit";
import { answerScore, MAX_SCORE_BODY_BYTES, scoreRoute } from "../../src/routes/score";
import type { AppEnv } from "../../src/http/env";

/** The merchant of the bench key in auth-latency.ts too. */
const BENCH_MERCHANT = "m_bench";

const benchPrincipal: Principal = {
  keyId: "key_bench0000000000",
  kind: "secret",
  mode: "test",
  merchantId: BENCH_MERCHANT,
  scopes: ["score"],
  allowedOrigins: [],
  rateLimit: { requests: 1_000_000, window_s: 60 },
};
const asBenchMerchant = createMiddleware<AppEnv>(async (c, next) => {
  c.set("principal", benchPrincipal);
  c.set("rateLimit", Promise.resolve());
  await next();
});

const app = createApp();
const bench = new OpenAPIHono<AppEnv>();
bench.use(async (c, next) => {
  c.set("startedAt", performance.now());
  c.set("services", servicesFor(c.env));
  await next();
});
bench.get("/bench/open", (c) => c.text("ok"));
bench.get("/bench/keyed", requireKey({ keys: ["secret"], scope: "score" }), rateLimit, (c) => c.text("ok"));
const openScore = createRoute({
  ...scoreRoute,
  path: "/bench/score-open",
  security: [],
  middleware: [asBenchMerchant, jsonBody(MAX_SCORE_BODY_BYTES), panGuard] as const,
});
// The same handler on a route whose middleware differs: its types differ only in that middleware.
bench.openapi(openScore, answerScore as unknown as RouteHandler<typeof openScore, AppEnv>);

export default {
  fetch: (request, env, ctx) => (new URL(request.url).pathname.startsWith("/bench/") ? bench.fetch(request, env, ctx) : app.fetch(request, env, ctx)),
} satisfies ExportedHandler<Bindings>;
