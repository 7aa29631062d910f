import { createMiddleware } from "hono/factory";
import { bearerToken } from "../auth/authenticate";
import { secretsEqual } from "../auth/hash";
import { ApiError } from "../errors/problem";
import type { AppEnv } from "./env";

/**
 * The model registry's routes (/v1/admin/…) change what every merchant is scored by: they are the operator's, with
 * a token of their own (the ADMIN_TOKEN secret, compared in constant time) that neither an API key nor the
 * metrics token opens. Unset, they refuse everyone, in the same words as a wrong token.
 */
export const requireAdminToken = createMiddleware<AppEnv>(async (c, next) => {
  const expected = c.get("services").config.ADMIN_TOKEN;
  const given = bearerToken(c.req.header("authorization"));
  if (expected === undefined || given === undefined || !(await secretsEqual(given, expected))) {
    throw new ApiError("unauthorized", "Send Authorization: Bearer <ADMIN_TOKEN>", undefined, { "WWW-Authenticate": `Bearer realm="edge-fraud-scorer-admin"` });
  }
  await next();
});

/** The OpenAPI security scheme the admin routes declare (registered with the others in key-access.ts). */
export const ADMIN_SCHEME = "AdminToken";
