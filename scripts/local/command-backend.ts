/**
 * What the REST front ends need from a Redis: run commands one at a time, as a pipeline, or as a MULTI/EXEC
 * transaction. Implemented over ioredis for a real `redis-server` (ioredis-backend.ts).
 */

/** A decoded RESP2 reply. Bulk strings stay bytes so binary values survive; a nested error reply stays an Error. */
export type RedisReply = null | number | string | Buffer | Error | RedisReply[];

export type CommandOutcome =
  /** Redis answered. */
  | { kind: "reply"; reply: RedisReply }
  /** Redis refused the command (wrong type, syntax, NOSCRIPT, …): the caller's fault, HTTP 400. */
  | { kind: "error"; message: string };

/** The backing store could not be reached: the server's fault, HTTP 5xx. */
export type Unavailable = { kind: "unavailable"; message: string };

export type BatchResult =
  | { kind: "batch"; outcomes: CommandOutcome[] }
  /** A transaction Redis discarded before running any of it (EXECABORT). */
  | { kind: "aborted"; message: string }
  | Unavailable;

export interface CommandBackend {
  readonly kind: "redis-server";
  run(command: string[]): Promise<CommandOutcome | Unavailable>;
  /** In one round trip, not atomic: each command succeeds or fails on its own. */
  pipeline(commands: string[][]): Promise<BatchResult>;
  /** MULTI … EXEC: all or nothing with respect to other clients. */
  transaction(commands: string[][]): Promise<BatchResult>;
  close(): Promise<void>;
}
