import type { components } from "./schema";

export type Problem = components["schemas"]["Problem"];
export type ProblemCode = Problem["code"];

/**
 * The scorer answered with a problem document (RFC 9457): `code` is the stable machine-readable part
 * (docs/errors.md), `errors` names the offending fields, `retryAfterS` is the server's Retry-After.
 */
export class ProblemError extends Error {
  readonly code: ProblemCode;
  readonly errors: NonNullable<Problem["errors"]>;

  constructor(
    readonly status: number,
    readonly problem: Problem,
    readonly retryAfterS?: number,
  ) {
    super(`${problem.code}: ${problem.detail ?? problem.title}`);
    this.name = "ProblemError";
    this.code = problem.code;
    this.errors = problem.errors ?? [];
  }
}

/** No answer at all: the network failed or every attempt timed out. */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly attempts: number,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = "TransportError";
  }
}
