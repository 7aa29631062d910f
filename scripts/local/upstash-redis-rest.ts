import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { BatchResult, CommandBackend, CommandOutcome, Unavailable } from "./command-backend";
import { closeServer, fromLoopback, listenLoopback, parseJson, readBody, safeEqual, sendJson } from "./http-util";
import { connectRedisBackend } from "./ioredis-backend";
import { redisServerDialect, ScriptTranslator, type TranslatedCommand } from "./lua-dialect";
import { toUpstashResult } from "./upstash-encoding";

/**
 * An Upstash-Redis-REST-compatible endpoint (the protocol @upstash/redis speaks) in front of a CommandBackend:
 *   POST /             ["SET","k","v","EX",100]        → {"result": …} | 400 {"error": "ERR …"}
 *   POST /pipeline     [[…],[…]]  (not atomic)         → [{"result": …} | {"error": …}, …]
 *   POST /multi-exec   [[…],[…]]  (MULTI/EXEC)         → same shape; EXECABORT → 400
 *   GET|POST /set/k/v?EX=100                           → path style; a POST body is appended as the last argument
 * Auth: `Authorization: Bearer <token>` (or `?_token=`), else 401 {"error":"Unauthorized"}. With
 * `Upstash-Encoding: base64` strings in results are base64. Backend down → 503 {"error": …}, never a hang.
 * Unauthenticated, loopback only: GET /__stats, POST /__stats/reset (tests inside workerd count round trips), and
 * POST /__fault {"delayMs": n}: every later command still runs at once, but its reply leaves n ms late (0: off).
 */
export interface UpstashRestStats {
  /** HTTP requests to the Redis API (everything but /__stats), authorised or not. */
  requests: number;
  /** Commands handed to the backend (a pipeline of 5 counts 5). */
  commands: number;
  /** Requests per route: "/", "/pipeline", "/multi-exec", or "/<command>" for path-style calls. */
  byPath: Record<string, number>;
}

export interface UpstashRestHandle {
  /** `http://127.0.0.1:<port>` — what UPSTASH_REDIS_REST_URL should be. */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  readonly backend: CommandBackend["kind"];
  stats(): UpstashRestStats;
  resetStats(): void;
  /** Stops listening; closes the backend connection if this endpoint opened it (given a URL). */
  close(): Promise<void>;
}

export interface StartUpstashRestOptions {
  /** A redis-server URL (`redis://127.0.0.1:6379`), or a backend the caller owns. */
  redis: string | CommandBackend;
  token: string;
  /** 0 or omitted: a free port. */
  port?: number;
}

/**
 * Commands that change the state of the one shared connection (or take it, or the server, away from every other
 * caller). Upstash refuses them too; transactions go through /multi-exec.
 */
const REFUSED = new Set([
  "MULTI", "EXEC", "DISCARD", "WATCH", "UNWATCH", "SELECT", "SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "UNSUBSCRIBE",
  "PUNSUBSCRIBE", "SUNSUBSCRIBE", "MONITOR", "QUIT", "RESET", "HELLO", "AUTH", "SHUTDOWN",
]);

type Argument = string | number | boolean;
type ParsedCommands = { kind: "commands"; commands: string[][] } | { kind: "invalid"; message: string };

export async function startUpstashRest(options: StartUpstashRestOptions): Promise<UpstashRestHandle> {
  const ownsBackend = typeof options.redis === "string";
  const backend = typeof options.redis === "string" ? await connectRedisBackend(options.redis) : options.redis;
  const scripts = new ScriptTranslator(redisServerDialect);
  let stats = emptyStats();
  let replyDelayMs = 0;

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: `ERR internal error: ${String(error)}` });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const path = url.pathname;

    if (path === "/__stats" || path === "/__stats/reset") {
      if (!fromLoopback(req)) return sendJson(res, 403, { error: "Forbidden" });
      if (path === "/__stats/reset" && req.method === "POST") stats = emptyStats();
      return sendJson(res, 200, snapshot(stats));
    }
    if (path === "/__fault") {
      if (!fromLoopback(req) || req.method !== "POST") return sendJson(res, 403, { error: "Forbidden" });
      const body = await readBody(req);
      const json = body.kind === "body" ? parseJson(body.bytes) : undefined;
      const delay = json?.kind === "json" ? (json.value as { delayMs?: unknown }).delayMs : undefined;
      replyDelayMs = typeof delay === "number" && delay >= 0 ? delay : 0;
      return sendJson(res, 200, { delayMs: replyDelayMs });
    }
    // Fault injection: the command runs now, its reply leaves late (a slow network or an overloaded Redis).
    if (replyDelayMs > 0) {
      const delay = replyDelayMs;
      const send = res.end.bind(res);
      res.end = ((...args: Parameters<typeof res.end>) => {
        setTimeout(() => send(...args), delay);
        return res;
      }) as typeof res.end;
    }

    const segments = path.split("/").filter((s) => s !== "").map(decodeURIComponent);
    const route = segments.length === 0 ? "/" : `/${segments[0]!.toLowerCase()}`;
    stats.requests += 1;
    stats.byPath[route] = (stats.byPath[route] ?? 0) + 1;

    if (!authorised(req, url, options.token)) return sendJson(res, 401, { error: "Unauthorized" });
    const base64 = String(req.headers["upstash-encoding"] ?? "").toLowerCase() === "base64";
    const body = await readBody(req);
    if (body.kind === "too_large") return sendJson(res, 413, { error: "ERR request body too large" });

    if (route === "/pipeline" || route === "/multi-exec") {
      if (req.method !== "POST" || segments.length !== 1) return sendJson(res, 405, { error: "ERR use POST" });
      const parsed = parseCommandList(body.bytes);
      if (parsed.kind === "invalid") return sendJson(res, 400, { error: parsed.message });
      const batch = await runBatch(parsed.commands, route === "/multi-exec");
      return sendBatch(res, batch, base64);
    }

    const parsed = route === "/" ? parseSingleCommand(body.bytes) : pathCommand(segments, url, req.method, body.bytes);
    if (parsed.kind === "invalid") return sendJson(res, 400, { error: parsed.message });
    const [command] = parsed.commands;
    const outcome = await runOne(command!);
    if (outcome.kind === "unavailable") return sendJson(res, 503, { error: outcome.message });
    if (outcome.kind === "error") return sendJson(res, 400, { error: outcome.message });
    return sendJson(res, 200, { result: toUpstashResult(outcome.reply, base64) });
  }

  async function runOne(command: string[]): Promise<CommandOutcome | Unavailable> {
    const refusal = refused(command);
    if (refusal) return { kind: "error", message: refusal };
    const translated = scripts.translate(command);
    stats.commands += 1;
    return withReply(await backend.run(translated.command), translated);
  }

  async function runBatch(commands: string[][], atomic: boolean): Promise<BatchResult> {
    const refusal = commands.map(refused).find((r) => r !== undefined);
    if (refusal) return { kind: "aborted", message: refusal };
    const translated = commands.map((c) => scripts.translate(c));
    stats.commands += commands.length;
    const batchCommands = translated.map((t) => t.command);
    const result = atomic ? await backend.transaction(batchCommands) : await backend.pipeline(batchCommands);
    if (result.kind !== "batch") return result;
    return { kind: "batch", outcomes: result.outcomes.map((o, i) => withReply(o, translated[i]!)) };
  }

  const port = await listenLoopback(server, options.port ?? 0);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    token: options.token,
    backend: backend.kind,
    stats: () => snapshot(stats),
    resetStats: () => {
      stats = emptyStats();
    },
    async close() {
      await closeServer(server);
      if (ownsBackend) await backend.close();
    },
  };
}

function withReply<T extends CommandOutcome | Unavailable>(outcome: T, translated: TranslatedCommand): T {
  return outcome.kind === "reply" ? { ...outcome, reply: translated.reply(outcome.reply) } : outcome;
}

function sendBatch(res: ServerResponse, batch: BatchResult, base64: boolean): void {
  if (batch.kind === "unavailable") return sendJson(res, 503, { error: batch.message });
  if (batch.kind === "aborted") return sendJson(res, 400, { error: batch.message });
  sendJson(
    res,
    200,
    batch.outcomes.map((o) => (o.kind === "reply" ? { result: toUpstashResult(o.reply, base64) } : { error: o.message })),
  );
}

function authorised(req: IncomingMessage, url: URL, token: string): boolean {
  const header = req.headers.authorization ?? "";
  const bearer = /^Bearer\s+(.+)$/i.exec(header)?.[1];
  const given = bearer ?? url.searchParams.get("_token");
  return given !== null && safeEqual(given, token);
}

function refused(command: string[]): string | undefined {
  const name = (command[0] ?? "").toUpperCase();
  return REFUSED.has(name) ? `ERR '${name}' is not supported over REST (use /multi-exec for transactions)` : undefined;
}

function parseSingleCommand(bytes: Buffer): ParsedCommands {
  const json = parseJson(bytes);
  if (json.kind !== "json") return { kind: "invalid", message: "ERR failed to parse command: expected a JSON array body" };
  const command = toCommand(json.value);
  return command ? { kind: "commands", commands: [command] } : invalidCommand();
}

function parseCommandList(bytes: Buffer): ParsedCommands {
  const json = parseJson(bytes);
  if (json.kind !== "json" || !Array.isArray(json.value) || json.value.length === 0) {
    return { kind: "invalid", message: "ERR failed to parse pipeline: expected a non-empty JSON array of commands" };
  }
  const commands = json.value.map(toCommand);
  return commands.every((c) => c !== undefined) ? { kind: "commands", commands: commands as string[][] } : invalidCommand();
}

/** `/set/k/v?EX=100` → SET k v EX 100; a POST body (raw, not JSON) becomes the last argument. */
function pathCommand(segments: string[], url: URL, method: string | undefined, body: Buffer): ParsedCommands {
  const command = [...segments];
  for (const [key, value] of url.searchParams) {
    if (key === "_token") continue;
    command.push(key);
    if (value !== "") command.push(value);
  }
  if (method === "POST" && body.length > 0) command.push(body.toString("utf8"));
  return { kind: "commands", commands: [command] };
}

function toCommand(value: unknown): string[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  if (!value.every((v): v is Argument => ["string", "number", "boolean"].includes(typeof v))) return undefined;
  return value.map(String);
}

function invalidCommand(): ParsedCommands {
  return { kind: "invalid", message: "ERR failed to parse command: a command is a non-empty array of strings/numbers" };
}

function emptyStats(): UpstashRestStats {
  return { requests: 0, commands: 0, byPath: {} };
}

function snapshot(stats: UpstashRestStats): UpstashRestStats {
  return { requests: stats.requests, commands: stats.commands, byPath: { ...stats.byPath } };
}
