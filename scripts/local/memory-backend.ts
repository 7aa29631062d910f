import RedisMock from "ioredis-mock";
import type { BatchResult, CommandBackend, CommandOutcome } from "./command-backend";
import { upperCaseOptions } from "./mock-option-case";
import { toRedisReply } from "./reply-shape";

/**
 * The fallback when no redis-server binary is installed: ioredis-mock, in this process, lost on exit.
 * ioredis-mock has no generic `call`, so a command is dispatched to the mock's method of the same name (its
 * `…Buffer` variant, which exists for every command it emulates). It emulates Redis closely but not exactly —
 * docs/local-stack.md lists what differs.
 */
export function createMemoryBackend(): CommandBackend {
  const mock = new RedisMock();
  const method = (target: object, name: string) => {
    const fn = (target as Record<string, unknown>)[`${name.toLowerCase()}Buffer`];
    return typeof fn === "function" ? (fn as (...args: string[]) => unknown).bind(target) : undefined;
  };
  const unknownCommand = (name: string) => `ERR unknown command '${name}' (not emulated by the in-memory fallback)`;

  const run = async (command: string[]): Promise<CommandOutcome> => {
    const [name = "", ...args] = upperCaseOptions(command);
    const fn = method(mock, name);
    if (!fn) return { kind: "error", message: unknownCommand(name) };
    try {
      return { kind: "reply", reply: toRedisReply(await fn(...args)) };
    } catch (error) {
      return { kind: "error", message: error instanceof Error ? error.message : String(error) };
    }
  };

  return {
    kind: "memory",
    run,
    async pipeline(commands) {
      const outcomes: CommandOutcome[] = [];
      for (const command of commands) outcomes.push(await run(command));
      return { kind: "batch", outcomes };
    },
    async transaction(commands): Promise<BatchResult> {
      const multi = mock.multi();
      for (const [name = "", ...args] of commands.map(upperCaseOptions)) {
        const fn = method(multi, name);
        if (!fn) return { kind: "aborted", message: `EXECABORT Transaction discarded because of previous errors. ${unknownCommand(name)}` };
        fn(...args);
      }
      const replies = (await multi.exec()) ?? [];
      return {
        kind: "batch",
        outcomes: replies.map(([error, result]): CommandOutcome =>
          error ? { kind: "error", message: error.message } : { kind: "reply", reply: toRedisReply(result) },
        ),
      };
    },
    async close() {
      mock.disconnect();
    },
  };
}
