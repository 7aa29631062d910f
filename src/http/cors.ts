import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./env";

/** A route that pages call from the browser (with a publishable key). */
export interface BrowserRoute {
  path: string;
  methods: readonly string[];
}

export const CORS_REQUEST_HEADERS = ["authorization", "content-type", "idempotency-key"] as const;
/** What a page's script may read off a response besides the CORS-safelisted headers. */
export const CORS_EXPOSED_HEADERS = [
  "RateLimit-Limit",
  "RateLimit-Remaining",
  "RateLimit-Reset",
  "RateLimit-Policy",
  "Retry-After",
  "Idempotent-Replayed",
  "Server-Timing",
] as const;

/**
 * CORS for the browser routes, decided by the key (docs/auth.md § CORS):
 * - A preflight carries no key, so it cannot be judged: it is answered permissively (any origin, the route's
 *   methods and the headers a checkout sends). It grants nothing by itself.
 * - The actual response names the page's origin in `Access-Control-Allow-Origin` only when the request's key is
 *   a publishable key listing that origin. Otherwise (no key, unknown key, other origin, or a secret key, which
 *   belongs on a server) the browser withholds the response from the page.
 * Other routes send no CORS headers at all: they are for servers.
 */
export function browserCors(routes: readonly BrowserRoute[]) {
  const methodsByPath = new Map(routes.map((r) => [r.path, r.methods]));
  return createMiddleware<AppEnv>(async (c, next) => {
    const methods = methodsByPath.get(c.req.path);
    if (!methods) return next();
    const origin = c.req.header("origin");
    if (c.req.method === "OPTIONS" && origin && c.req.header("access-control-request-method")) {
      return c.body(null, 204, {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Methods": methods.join(", "),
        "Access-Control-Allow-Headers": CORS_REQUEST_HEADERS.join(", "),
        "Access-Control-Max-Age": "600",
        Vary: "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
      });
    }
    await next();
    c.res.headers.append("Vary", "Origin");
    const principal = c.get("principal");
    if (origin && principal?.kind === "publishable" && principal.allowedOrigins.includes(origin)) {
      c.res.headers.set("Access-Control-Allow-Origin", origin);
      c.res.headers.set("Access-Control-Expose-Headers", CORS_EXPOSED_HEADERS.join(", "));
    }
  });
}
