import { createMiddleware } from "hono/factory";
import { pathToString } from "../errors/field-errors";
import { ApiError } from "../errors/problem";
import { findPanPaths } from "../utils/pan";
import type { AppEnv } from "./env";

/** Headers the API stores (as part of a Redis key): a card number there is refused like one in the body. */
const STORED_HEADERS = ["idempotency-key"] as const;

/**
 * Rejects a request holding anything that looks like a card number — in the body (values and keys) or in a header
 * the API stores — naming where, never echoing the value. Runs before validation so a PAN never reaches a
 * validation message, a log or Redis.
 */
export const panGuard = createMiddleware<AppEnv>(async (c, next) => {
  const paths = [
    ...findPanPaths(c.get("body")),
    ...STORED_HEADERS.flatMap((h) => (findPanPaths(c.req.header(h)).length > 0 ? [["header", h]] : [])),
  ];
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
