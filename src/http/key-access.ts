import type { OpenAPIHono } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import type { MiddlewareHandler } from "hono";
import type { KeyKind } from "../auth/api-key";
import { authenticate } from "../auth/authenticate";
import { authorize, type RouteAccess } from "../auth/authorize";
import type { AppEnv } from "./env";
import { ADMIN_SCHEME } from "./admin-token";
import { METRICS_SCHEME } from "./metrics-token";
import { problems } from "./problems";
import { rateLimit } from "./rate-limit";
import { appendServerTiming } from "./server-timing";

const SCHEME: Record<KeyKind, string> = { publishable: "PublishableKey", secret: "SecretKey" };

/** The OpenAPI security schemes the routes' `security` entries name. */
export function registerSecuritySchemes(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent("securitySchemes", SCHEME.secret, {
    type: "http",
    scheme: "bearer",
    bearerFormat: "sk_test_… / sk_live_…",
    description: "A secret key, from your server only. Every route of its merchant, within its scopes.",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", SCHEME.publishable, {
    type: "http",
    scheme: "bearer",
    bearerFormat: "pk_test_… / pk_live_…",
    description: "A publishable key, from a checkout page: POST /v1/score only, from the origins the key lists.",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", ADMIN_SCHEME, {
    type: "http",
    scheme: "bearer",
    description: "The deployment's ADMIN_TOKEN secret, for the operator's model registry (/v1/admin/…) only.",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", METRICS_SCHEME, {
    type: "http",
    scheme: "bearer",
    description: "The deployment's METRICS_TOKEN secret, for the operator's Prometheus (GET /metrics only).",
  });
}

/** Authenticates the caller's key and checks it against the route's access (401 / 403 / 503). */
export function requireKey(access: RouteAccess) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const { auth } = c.get("services");
    const started = performance.now();
    const principal = await authenticate(c.req.header("authorization"), auth);
    authorize(principal, access, c.req.header("origin"));
    c.set("principal", principal);
    const took = performance.now() - started;
    await next();
    appendServerTiming(c.res, "auth", took);
  });
}

/**
 * A protected route's access, in one place: its OpenAPI `security` (which key kinds, the scope as the role) and
 * responses, and the middleware that enforces them — key, then rate limit, before anything reads the body (a route
 * whose cost depends on its body adds a second check after reading it).
 */
export function keyAccess(access: RouteAccess) {
  const key = requireKey(access);
  return {
    security: access.keys.map((kind) => ({ [SCHEME[kind]]: [access.scope] })),
    middleware: [key, rateLimit] as [MiddlewareHandler<AppEnv>, MiddlewareHandler<AppEnv>],
    responses: {
      401: problems("Missing, unknown or revoked API key"),
      403: problems(
        access.keys.includes("publishable")
          ? `The key lacks the "${access.scope}" scope, or a publishable key was used from an origin it does not list`
          : `A publishable key (this route takes a secret key), or a key without the "${access.scope}" scope`,
      ),
      429: problems("Rate limit exceeded; see Retry-After and the RateLimit-* headers"),
      503: problems("API keys cannot be verified right now (key store unreachable)"),
    },
  };
}
