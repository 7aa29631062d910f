import { createHash } from "node:crypto";
import type { RedisReply } from "./command-backend";

/**
 * Upstash runs Lua scripts that open with a shebang Redis does not know: @upstash/ratelimit 2.x starts every
 * script with `#!lua flags=allow-key-locking`, which redis-server 7 rejects ("Unexpected flag in script shebang")
 * and which ioredis-mock's Lua VM cannot parse at all. The REST endpoint rewrites such scripts before they reach
 * the backend and maps SHA1s both ways, so clients keep addressing a script by the hash of the text they sent
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

/**
 * ioredis-mock's Lua bridge differs from Redis in ways real scripts trip over; this wrapper evens out the two
 * that matter for table-shaped data:
 * - `redis.call` replies reach the script as JavaScript array proxies (1-based at the top, where it prepends a
 *   null; 0-based when nested) whose nil elements are a JS-null userdata that is truthy, where Redis gives plain
 *   tables with `false` for nil (so `HMGET(...)[1] or ''` works). They are rebuilt as tables with false for
 *   null (recognised as the padding element [0] of a top-level reply); `["error", msg]` becomes `{err = msg}`.
 * - A table the script grew element by element is not recognised as an array on the way out (the reply becomes
 *   nil). The script runs inside a function whose result is rebuilt with a table constructor.
 * Everything added sits on the script's first line (and one closing line), so line numbers in errors stay right.
 */
const MOCK_PRELUDE = [
  "local __call, __pcall, __null = redis.call, redis.pcall, nil;",
  "local function __elem(v) if __null ~= nil and v == __null then return false end;",
  "if type(v) ~= 'userdata' then return v end; local t = {}; for i = 0, #v - 1 do t[i + 1] = __elem(v[i]) end; return t end;",
  "local function __reply(v) if type(v) ~= 'userdata' then return v end; if v[0] == 'error' then return {err = v[1]} end;",
  "__null = v[0]; local t = {}; for i = 1, #v do t[i] = __elem(v[i]) end; return t end;",
  "redis.call = function(...) return __reply(__call(...)) end;",
  "redis.pcall = function(...) return __reply(__pcall(...)) end;",
  "local function __out(v) if type(v) ~= 'table' or v.err ~= nil or v.ok ~= nil then return v end;",
  "local t = {}; for i = 1, #v do t[i] = __out(v[i]) end; return {table.unpack(t, 1, #v)} end;",
  "return __out((function()",
].join(" ");
const MOCK_EPILOGUE = "\nend)())";

/** For ioredis-mock's Lua VM (fengari): the wrapper above, and the shebang (which it cannot parse) as a comment. */
export const ioredisMockDialect: LuaDialect = (script) => {
  const { shebang, rest } = splitShebang(script);
  const body = shebang === undefined ? script : `--${shebang}${rest}`;
  return `${MOCK_PRELUDE} ${body}${MOCK_EPILOGUE}`;
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

