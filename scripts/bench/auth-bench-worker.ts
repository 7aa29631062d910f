/**
 * Benchmark entry point (not deployed): the scoring app, plus two bench routes that differ only by the key and
 * rate-limit middleware the protected routes run — so their latency difference, measured at the client, is what
 * authentication + rate limiting add to a request. Used by scripts/bench/auth-latency.ts.
 */
import { Hono } from "hono";
import { createApp } from "../../src/app";
import { requireKey } from "../../src/auth/access";
import type { Bindings } from "../../src/config";
import { rateLimit } from "../../src/middleware/rate-limit";
import { servicesFor, type AppEnv } from "../../src/services";

const app = createApp();
const bench = new Hono<AppEnv>();
bench.use(async (c, next) => {
  c.set("startedAt", performance.now());
  c.set("services", servicesFor(c.env));
  await next();
});
bench.get("/bench/open", (c) => c.text("ok"));
bench.get("/bench/keyed", requireKey({ keys: ["secret"], scope: "score" }), rateLimit, (c) => c.text("ok"));

export default {
  fetch: (request, env, ctx) => (new URL(request.url).pathname.startsWith("/bench/") ? bench.fetch(request, env, ctx) : app.fetch(request, env, ctx)),
} satisfies ExportedHandler<Bindings>;
