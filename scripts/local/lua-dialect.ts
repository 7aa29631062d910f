import { createHash } from "node:crypto";
import type { RedisReply } from "./command-backend";

/**
 * Upstash runs Lua scripts that open with a shebang Redis does not know: @upstash/ratelimit 2.x starts every
 * script with `#!lua flags=allow-key-locking`, which redis-server 7 rejects ("Unexpected flag in script shebang").
 * The REST endpoint rewrites such scripts before they reach Redis and maps SHA1s both ways, so clients keep addressing a script by the hash of the text they sent
 * (EVALSHA with a client-computed hash, SCRIPT LOAD answering that same hash).
 */
export type LuaDialect = (script: string) => string;

const UPSTASH_ONLY_FLAGS = new Set(["allow-key-locking"]);

/** For redis-server: drop only the flags Redis does not know, keep the rest of the shebang. */
export const redisServerDialect: LuaDialect = (script) => {
  const { shebang, rest } = splitShebang(script);
  const match = shebang?.match(/^#!(\S+)(?:\s+flags=(\S*))?\s*$/);
  if (!match) return script;
  const flags = (match[2] ?? "").split(",").filter((f) => f !== "");
  const kept = flags.filter((f) => !UPSTASH_ONLY_FLAGS.has(f));
  if (kept.length === flags.length) return script;
  return `#!${match[1]}${kept.length > 0 ? ` flags=${kept.join(",")}` : ""}${rest}`;
};

function splitShebang(script: string): { shebang?: string; rest: string } {
  if (!script.startsWith("#!")) return { rest: script };
  const eol = script.indexOf("\n");
  return eol === -1 ? { shebang: script, rest: "" } : { shebang: script.slice(0, eol), rest: script.slice(eol) };
}

export interface TranslatedCommand {
  command: string[];
  /** Rewrites a successful reply into what the client expects (its own SHA1 instead of the backend's). */
  reply: (reply: RedisReply) => RedisReply;
}

const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");
const unchanged = (reply: RedisReply) => reply;

/** Rewrites script commands for one backend and remembers client SHA1 → backend SHA1. */
export class ScriptTranslator {
  private readonly backendSha = new Map<string, string>();
  constructor(private readonly dialect: LuaDialect) {}

  translate(command: string[]): TranslatedCommand {
    const [name = "", ...args] = command;
    const upper = name.toUpperCase();
    if ((upper === "EVAL" || upper === "EVAL_RO") && args[0] !== undefined) {
      return { command: [name, this.learn(args[0]).script, ...args.slice(1)], reply: unchanged };
    }
    if ((upper === "EVALSHA" || upper === "EVALSHA_RO") && args[0] !== undefined) {
      return { command: [name, this.toBackend(args[0]), ...args.slice(1)], reply: unchanged };
    }
    if (upper === "SCRIPT" && args[0]?.toUpperCase() === "LOAD" && args[1] !== undefined) {
      const { script, clientSha } = this.learn(args[1]);
      return { command: [name, args[0], script], reply: () => clientSha };
    }
    if (upper === "SCRIPT" && args[0]?.toUpperCase() === "EXISTS") {
      return { command: [name, args[0], ...args.slice(1).map((s) => this.toBackend(s))], reply: unchanged };
    }
    return { command, reply: unchanged };
  }

  private learn(original: string): { script: string; clientSha: string } {
    const script = this.dialect(original);
    const clientSha = sha1(original);
    if (script !== original) this.backendSha.set(clientSha, sha1(script));
    return { script, clientSha };
  }

  private toBackend(sha: string): string {
    return this.backendSha.get(sha.toLowerCase()) ?? sha;
  }
}

