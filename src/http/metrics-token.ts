import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { bearerToken } from "../auth/authenticate";
import { secretsEqual } from "../auth/hash";
import { ApiError } from "../errors/problem";
import type { AppEnv } from "./env";

/**
 * GET /metrics (and /health's details) are for the operator, not for merchants or the public: they show every
 * merchant's traffic and the deployment's dependencies. They take their own bearer token (the METRICS_TOKEN
 * secret), compared in constant time; no API key opens them. Unset, they refuse everyone — in the same words as a
 * wrong token, so nobody can tell whether a deployment has one.
 */
export async function isOperator(c: Context<AppEnv>): Promise<boolean> {
  const expected = c.get("services").config.METRICS_TOKEN;
  const given = bearerToken(c.req.header("authorization"));
  return expected !== undefined && given !== undefined && (await secretsEqual(given, expected));
}

export const requireMetricsToken = createMiddleware<AppEnv>(async (c, next) => {
  if (!(await isOperator(c))) {
    throw new ApiError("unauthorized", "Send Authorization: Bearer <METRICS_TOKEN>", undefined, {
      "WWW-Authenticate": `Bearer realm="edge-fraud-scorer-metrics"`,
    });
  }
  await next();
});

/** The OpenAPI security scheme /metrics declares (registered with the others in key-access.ts). */
export const METRICS_SCHEME = "MetricsToken";
