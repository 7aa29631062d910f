import { createMiddleware } from "hono/factory";
import { bearerToken } from "../auth/authenticate";
import { secretsEqual } from "../auth/hash";
import { ApiError } from "../errors/problem";
import type { AppEnv } from "./env";

/**
 * GET /metrics is for the operator's Prometheus, not for merchants: it shows every merchant's traffic. It takes its
 * own bearer token (the METRICS_TOKEN secret), compared in constant time; no API key opens it. Unset, the route
 * refuses everyone, so a deployment never exposes metrics by omission.
 */
export const requireMetricsToken = createMiddleware<AppEnv>(async (c, next) => {
  const expected = c.get("services").config.METRICS_TOKEN;
  const given = bearerToken(c.req.header("authorization"));
  const ok = expected !== undefined && given !== undefined && (await secretsEqual(given, expected));
  if (!ok) {
    throw new ApiError("unauthorized", expected === undefined ? "Metrics are disabled: METRICS_TOKEN is not set" : "Send Authorization: Bearer <METRICS_TOKEN>", undefined, {
      "WWW-Authenticate": `Bearer realm="edge-fraud-scorer-metrics"`,
    });
  }
  await next();
});

/** The OpenAPI security scheme /metrics declares (registered with the others in key-access.ts). */
export const METRICS_SCHEME = "MetricsToken";
