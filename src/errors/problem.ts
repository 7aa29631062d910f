import { z } from "@hono/zod-openapi";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { redactPans } from "../utils/pan";

/**
 * Every error the API returns is an RFC 9457 problem document with a stable machine-readable `code`. Codes are
 * part of the API contract (docs/errors.md); messages are for humans and may change.
 */
export const PROBLEM_CODES = {
  validation_failed: 400,
  malformed_json: 400,
  pan_detected: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  idempotency_in_progress: 409,
  policy_limit_reached: 409,
  conflict: 409,
  routing_refused: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  model_rejected: 422,
  unknown_model_version: 422,
  idempotency_key_reused: 422,
  rate_limited: 429,
  internal_error: 500,
  model_unavailable: 503,
  store_unavailable: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ProblemCode = keyof typeof PROBLEM_CODES;

export const FieldErrorSchema = z
  .object({
    path: z.string().openapi({ example: "card.fingerprint" }),
    code: z.string().openapi({ example: "too_small" }),
    message: z.string(),
    position: z
      .object({ start: z.number().int(), end: z.number().int() })
      .optional()
      .openapi({ description: "For an expression (a rule): where in it the problem is, as 0-based offsets (end exclusive)" }),
  })
  .openapi("FieldError");
export type FieldError = z.infer<typeof FieldErrorSchema>;

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: "urn:edge-fraud:problem:validation_failed" }),
    title: z.string(),
    status: z.number().int(),
    code: z.enum(Object.keys(PROBLEM_CODES) as [ProblemCode, ...ProblemCode[]]),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z.array(FieldErrorSchema).optional(),
  })
  .openapi("Problem");
export type Problem = z.infer<typeof ProblemSchema>;

const TITLES: Record<ProblemCode, string> = {
  validation_failed: "The request body is not a valid request",
  malformed_json: "The request body is not valid JSON",
  pan_detected: "A card number was sent; send a card fingerprint instead",
  unauthorized: "Missing or invalid API key",
  forbidden: "This key may not do that",
  not_found: "No such resource",
  method_not_allowed: "Method not allowed on this resource",
  idempotency_in_progress: "A request with this idempotency key is still being processed",
  policy_limit_reached: "The merchant's lists are full",
  conflict: "That already exists",
  routing_refused: "The model routing cannot make that change",
  payload_too_large: "The request body is too large",
  unsupported_media_type: "The request body must be application/json",
  model_rejected: "The model did not pass the publishing gates",
  unknown_model_version: "No such model version is published",
  idempotency_key_reused: "This idempotency key was used with a different request",
  rate_limited: "Too many requests",
  internal_error: "Internal error",
  model_unavailable: "The model could not be loaded",
  store_unavailable: "The feature store is not reachable",
};

/** An error the API reports to its caller. Thrown anywhere in a request; turned into a response by the app. */
export class ApiError extends Error {
  constructor(
    readonly code: ProblemCode,
    readonly detail?: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(detail ?? TITLES[code]);
    this.name = "ApiError";
  }

  get status(): ContentfulStatusCode {
    return PROBLEM_CODES[this.code];
  }

  toProblem(instance?: string): Problem {
    return problem(this.code, this.detail, this.errors, instance);
  }
}

export function problem(code: ProblemCode, detail?: string, errors?: FieldError[], instance?: string): Problem {
  return {
    type: `urn:edge-fraud:problem:${code}`,
    title: TITLES[code],
    status: PROBLEM_CODES[code],
    code,
    ...(detail !== undefined && { detail }),
    ...(instance !== undefined && { instance }),
    ...(errors !== undefined && { errors }),
  };
}

/**
 * The one way a problem leaves the API. Its detail and instance may quote what the caller sent (a path, a header,
 * an id, a field's value in a validation message); a card number in them is replaced, so an error never repeats a PAN back (or into a proxy's log).
 */
export function problemResponse(p: Problem, headers?: Record<string, string>): Response {
  const safe: Problem = {
    ...p,
    ...(p.detail !== undefined && { detail: redactPans(p.detail) }),
    ...(p.instance !== undefined && { instance: redactPans(p.instance) }),
    ...(p.errors !== undefined && { errors: p.errors.map((e) => ({ ...e, path: redactPans(e.path), message: redactPans(e.message) })) }),
  };
  return new Response(JSON.stringify(safe), {
    status: p.status,
    headers: { "content-type": "application/problem+json", ...headers },
  });
}
