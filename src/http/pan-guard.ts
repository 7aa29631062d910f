import { createMiddleware } from "hono/factory";
import { pathToString } from "../errors/field-errors";
import { ApiError } from "../errors/problem";
import { findPanPaths } from "../schemas/pan";
import type { AppEnv } from "./env";

/**
 * Rejects a body holding anything that looks like a card number, naming where — never echoing the value.
 * Runs before validation so a PAN never reaches a validation message or a log.
 */
export const panGuard = createMiddleware<AppEnv>(async (c, next) => {
  const paths = findPanPaths(c.get("body"));
  if (paths.length > 0) throw panError(paths);
  await next();
});

export function panError(paths: (string | number)[][], prefix: (string | number)[] = []): ApiError {
  return new ApiError(
    "pan_detected",
    "Send card.fingerprint (a token your payment provider derives), never the card number",
    paths.map((p) => ({
      path: pathToString([...prefix, ...p]) || "(body)",
      code: "pan_detected",
      message: "looks like a card number (PAN); the value was discarded",
    })),
  );
}
