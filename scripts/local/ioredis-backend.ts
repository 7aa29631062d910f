import { Redis, ReplyError } from "ioredis";
import type { BatchResult, CommandBackend, CommandOutcome, Unavailable } from "./command-backend";
import { toRedisReply } from "./reply-shape";

/**
 * A real redis-server behind one ioredis connection. Commands pass through generically (`callBuffer`), so any
 * command the server knows works, and bulk strings come back as bytes.
 *
 * Tuned to fail fast rather than queue: with the server gone, a command errors at once (no offline queue, no
 * per-request retries) and the REST layer answers 5xx; the connection keeps retrying every 100 ms in the
 * background so a restarted server on the same port is picked up without restarting anything here.
 */
export async function connectRedisBackend(url: string): Promise<CommandBackend> {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    connectTimeout: 1_000,
    commandTimeout: 5_000,
    retryStrategy: () => 100,
  });
  // Connection errors surface per command; without a listener ioredis would log every reconnect attempt.
  redis.on("error", () => {});
  await redis.connect();

  return {
    kind: "redis-server",
    async run(command) {
      const [name, ...args] = upperName(command);
      try {
        return { kind: "reply", reply: toRedisReply(await redis.callBuffer(name, ...args)) };
      } catch (error) {
        return classify(error);
      }
    },
    pipeline(commands) {
      const pipeline = redis.pipeline();
      for (const command of commands) {
        const [name, ...args] = upperName(command);
        pipeline.callBuffer(name, ...args);
      }
      return execBatch(() => pipeline.exec());
    },
    transaction(commands) {
      const multi = redis.multi();
      for (const command of commands) {
        const [name, ...args] = upperName(command);
        multi.callBuffer(name, ...args);
      }
      return execBatch(() => multi.exec());
    },
    async close() {
      redis.disconnect();
    },
  };
}

type ExecReplies = [error: Error | null, result: unknown][] | null;

async function execBatch(exec: () => Promise<ExecReplies>): Promise<BatchResult> {
  let replies: ExecReplies;
  try {
    replies = await exec();
  } catch (error) {
    const outcome = classify(error);
    if (outcome.kind === "unavailable") return outcome;
    return { kind: "aborted", message: withPreviousErrors(error, outcome.message) };
  }
  if (replies === null) return { kind: "aborted", message: "EXECABORT Transaction discarded" };
  const outcomes: CommandOutcome[] = [];
  for (const [error, result] of replies) {
    if (!error) {
      outcomes.push({ kind: "reply", reply: toRedisReply(result) });
      continue;
    }
    const outcome = classify(error);
    if (outcome.kind === "unavailable") return outcome;
    outcomes.push(outcome);
  }
  return { kind: "batch", outcomes };
}

/** A reply error is the command's fault; anything else (socket closed, timeout, not connected) is ours. */
function classify(error: unknown): Extract<CommandOutcome, { kind: "error" }> | Unavailable {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof ReplyError) return { kind: "error", message };
  return { kind: "unavailable", message: `backing Redis unavailable: ${message}` };
}

/** EXECABORT alone says nothing; ioredis keeps the queue-time errors that caused it. */
function withPreviousErrors(error: unknown, message: string): string {
  const previous = (error as { previousErrors?: unknown }).previousErrors;
  if (!Array.isArray(previous) || previous.length === 0) return message;
  return `${message} ${previous.map((e) => (e instanceof Error ? e.message : String(e))).join("; ")}`;
}

/**
 * ioredis keys its reply transformers (e.g. HGETALL → object) on lower-case names; upper case skips them and keeps
 * the raw RESP shape. Redis itself does not care.
 */
function upperName(command: string[]): [string, ...string[]] {
  const [name = "", ...args] = command;
  return [name.toUpperCase(), ...args];
}
