import type { Hook } from "@hono/zod-openapi";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { fieldErrors } from "../errors/field-errors";
import { ApiError, problem, problemResponse } from "../errors/problem";
import { redactPans } from "../utils/pan";
import type { AppEnv } from "./env";

/** Zod rejections from any route become one 400 problem listing every offending field. */
export const validationHook: Hook<unknown, AppEnv, string, unknown> = (result) => {
  if (!result.success) {
    const prefix = result.target === "json" ? [] : [result.target];
    throw new ApiError("validation_failed", undefined, fieldErrors(result.error, prefix));
  }
};

/** Every error becomes a problem document: ours with their code, Hono's 4xx by status, anything else a logged 500. */
export function onError(err: Error, c: Context<AppEnv>): Response {
  if (err instanceof ApiError) return problemResponse(err.toProblem(c.req.path), err.headers);
  if (err instanceof HTTPException && err.status < 500) {
    const code = err.status === 413 ? "payload_too_large" : err.status === 415 ? "unsupported_media_type" : "malformed_json";
    return problemResponse(problem(code, err.message, undefined, c.req.path));
  }
  console.error("unhandled error", c.req.method, redactPans(c.req.path), err);
  return problemResponse(problem("internal_error", "An unexpected error occurred; it has been logged", undefined, c.req.path));
}
